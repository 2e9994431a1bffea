import { createIdGenerator, randomUuid } from '../ids';
import { afterLoad } from '../after-load';
import { startAutoEvents } from './auto';
import { createPageChannel } from './channel';
import { idbOutboxStore } from './outbox-store';
import { createStateChannel } from './share';
import { pageDataPerBurst } from './page-data';
import { createTracker, type TrackerApi } from './tracker';

declare global {
  interface Window {
    Trodo?: TrackerApi;
  }
}

/**
 * Defines `window.Trodo` on the page. Runs at document_start in the MAIN world, before
 * the page's own scripts.
 */
export function installTracker(win: Window & typeof globalThis): void {
  const log = win.console.debug.bind(win.console);
  const debug = (message: string) => log(`[Trodo QA] ${message}`);
  const stringify = win.JSON.stringify;
  const now = win.Date.now;
  const microtask = win.queueMicrotask.bind(win);
  const later = win.setTimeout.bind(win) as (task: () => void, ms: number) => void;
  const whenLoaded = (task: () => void) => afterLoad(win, later, task);

  let receive: ReturnType<typeof createTracker>['receive'] = () => {};
  const channel = createPageChannel(win, (message) => receive(message));
  const tracker = createTracker({
    store: idbOutboxStore(),
    post: channel.post,
    pageData: pageDataPerBurst(win, microtask),
    now,
    eventId: createIdGenerator(now),
    newId: randomUuid,
    schedule: microtask,
    debug,
    stringify: (value) => stringify(value),
    startAuto: (emit, signal) => startAutoEvents(emit, signal, debug, whenLoaded),
    share: createStateChannel(win),
    env: () => ({ user_agent: win.navigator.userAgent, language: win.navigator.language, timezone: win.Intl.DateTimeFormat().resolvedOptions().timeZone }),
    later,
    afterLoad: whenLoaded,
  });
  receive = tracker.receive;

  // An accessor whose setter ignores writes: a page that also loads the official SDK, or
  // assigns window.Trodo itself, neither throws (strict mode) nor replaces this tracker.
  Object.defineProperty(win, 'Trodo', {
    // Configurable: a page script that declares `let Trodo` would otherwise hit a SyntaxError.
    configurable: true,
    enumerable: true,
    get: () => tracker.api,
    set: () => debug('page assignment to window.Trodo ignored'),
  });
}
