import type { PageData, TrodoEvent } from '../../lib/event';
import { createIdGenerator, randomUuid } from '../../lib/ids';
import type { Identity } from '../../lib/tracker/identity';
import { memoryOutboxStore } from '../../lib/tracker/outbox-store';
import type { BridgeToPage } from '../../lib/protocol';
import { createTracker, type TrackerDeps } from '../../lib/tracker/tracker';

export const PAGE: PageData = {
  url: 'https://shop.test/pricing?utm_source=ads', path: '/pricing', title: 'Pricing', referrer: null,
  screenWidth: 1280, screenHeight: 720, viewportWidth: 1280, viewportHeight: 720, dpi: 1,
};

/** A channel standing in for BroadcastChannel between harnesses ("tabs") of one origin. */
export function fakeBroadcast() {
  const listeners = new Set<(state: unknown) => void>();
  return () => {
    let mine: ((state: unknown) => void) | null = null;
    return {
      post(state: Identity) {
        for (const listener of listeners) if (listener !== mine) listener(structuredClone(state));
      },
      listen(receive: (state: unknown) => void) {
        mine = receive;
        listeners.add(receive);
      },
    };
  };
}

/**
 * A page tracker over an in-memory outbox with a fake clock, as `install.ts` wires it but
 * without a browser: what it posts to the bridge is parsed and kept.
 */
export function trackerHarness(options: { store?: ReturnType<typeof memoryOutboxStore>; share?: ReturnType<ReturnType<typeof fakeBroadcast>>; start?: number } = {}) {
  const clock = { now: options.start ?? Date.UTC(2026, 10, 25, 12) };
  const posted: { t: string; events?: TrodoEvent[] }[] = [];
  const debug: string[] = [];
  const store = options.store ?? memoryOutboxStore();
  const tracker = createTracker({
    store,
    post: (json) => posted.push(JSON.parse(json)),
    pageData: () => ({ ...PAGE }),
    now: () => clock.now,
    eventId: createIdGenerator(() => clock.now),
    newId: randomUuid,
    schedule: (task) => queueMicrotask(task),
    debug: (message) => debug.push(message),
    stringify: JSON.stringify,
    share: options.share,
    env: () => ({ user_agent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0.0.0 Safari/537.36', language: 'en-US', timezone: 'UTC' }),
    // Auto-capture is not under test here (for when the tracker has it: the cast keeps this
    // harness compiling before and after that lands).
    startAuto: () => {},
  } as TrackerDeps);
  tracker.receive({ type: 'ready', capture: true, autoEvents: false } as BridgeToPage);
  const sent = () => posted.flatMap((m) => m.events ?? []);
  return {
    tracker,
    T: tracker.api,
    store,
    debug,
    clock,
    sent,
    /** What was sent, as `name` or `call` op, in order. */
    sentNames: () => sent().map((e) => e.call ?? e.name),
    /** The worker acknowledges everything sent so far. */
    ackAll() {
      tracker.receive({ type: 'ack', ids: sent().map((e) => e.id) });
    },
    /** Lets microtasks and the outbox's store writes run. */
    settle: () => new Promise((resolve) => setTimeout(resolve, 0)),
  };
}
