import type { PageData, TrodoEvent } from '../event';
import { eventCategory, eventNameProblem, eventTime, isReservedPropertyName } from '../event';
import type { JsonObject } from '../json';
import { isPlainObject } from '../json';
import { CAPS, HELLO, encodeEvents, type BridgeMessage } from '../protocol';
import { sanitizeProperties } from '../sanitize';
import { AUTO_CATEGORIES, type AutoEventName, type Emit } from './auto/catalog';
import { createAutoConfig, type AutoEventsApi, type AutoEventsOptions } from './auto/config';
import { createApi, type ApiDeps, type TrodoApi } from './api';
import { isIdentity, newIdentity, type Identity } from './identity';
import { createOutbox } from './outbox';
import { MAX_OUTBOX_EVENTS, oldestOver } from './outbox-bound';
import type { OutboxStore } from './outbox-store';

export const VERSION = '0.1.0';

/** Effects the tracker needs; `install.ts` passes the browser's, tests pass fakes. */
export interface TrackerDeps {
  store: OutboxStore;
  /** Sends one JSON message to the bridge. */
  post: (json: string) => void;
  pageData: () => PageData;
  now: () => number;
  eventId: () => string;
  newId: () => string;
  schedule: (task: () => void) => void;
  debug: (message: string) => void;
  stringify: (value: unknown) => string;
  /** Starts auto-capture (every family) until `signal` aborts. */
  startAuto: (emit: Emit, signal: AbortSignal) => void;
  /** Unacknowledged events kept at most; default MAX_OUTBOX_EVENTS. */
  maxOutbox?: number;
  /** Identity/session sharing between the origin's tabs, session-record environment, timers (see api.ts). */
  share?: ApiDeps['share'];
  env?: ApiDeps['env'];
  later?: ApiDeps['later'];
  /**
   * Runs the start-up work that can wait (loading the state and the outbox, greeting the
   * bridge) once the page has loaded (lib/tracker/after-load.ts); at once when absent.
   */
  afterLoad?: (task: () => void) => void;
}

export interface TrackOptions {
  category?: string;
  /** When the event happened: a Date, epoch milliseconds or an ISO string. */
  timestamp?: Date | number | string;
}

/** `init()` options: the official SDK's, of which this tracker uses the auto-event ones. */
export interface InitOptions extends AutoEventsOptions {
  siteId?: string;
}

/** Auto-events recorded before the extension said whether it wants them (held in memory). */
const MAX_EARLY_AUTO = 200;

/** The part of `window.Trodo` this module provides. */
export interface TrackerApi extends AutoEventsApi, TrodoApi {
  readonly version: string;
  track(eventName: string, properties?: object, options?: TrackOptions): Promise<void>;
  trackEvent(eventName: string, properties?: object, options?: TrackOptions): Promise<void>;
  init(options?: InitOptions): Promise<void>;
  ready(): Promise<void>;
}

const RESOLVED = Promise.resolve();

/**
 * The page tracker: validates and stamps events on the caller's stack, then hands them
 * off in one microtask batch (outbox write + one bridge message). It keeps every event
 * until the worker acknowledges it, and sends again whatever is unacknowledged whenever
 * a bridge says it is ready — including events left in the outbox by earlier page loads.
 */
export function createTracker(deps: TrackerDeps) {
  const outbox = createOutbox(deps.store, deps.schedule, (error) => deps.debug(`outbox write failed; events stay in memory until delivered (${String(error)})`));
  const unacked = new Map<string, TrodoEvent>();
  /** Events (and API calls) made before identity loaded; stamped and queued, in order, once it has. */
  let waiting: (TrodoEvent | (() => void))[] | null = [];
  let identity: Identity | null = null;
  let bridgeReady = false;
  let capture = true;
  /** The extension's auto-event switch; null until the bridge's first `ready`. */
  let autoAllowed: boolean | null = null;
  /** Auto-events from before that first `ready`: kept, or dropped if the switch is off. */
  let earlyAuto: TrodoEvent[] | null = [];
  let autoRun: AbortController | null = null;
  let lastName = '';
  const autoConfig = createAutoConfig(() => deps.pageData().path, () => capture && autoAllowed !== false);
  let toSend: TrodoEvent[] = [];
  let sendScheduled = false;
  let markReady!: () => void;
  const loaded = new Promise<void>((resolve) => (markReady = resolve));
  const ext = createApi({
    ...deps,
    queue,
    defer: (task) => (waiting ? void (waiting[waiting.length] = task, begin()) : task()),
    save: (state) => outbox.saveIdentity(state),
    ready: () => loaded,
    capture: () => capture,
    seen,
    configure: autoConfig.init,
  });

  // An async function, not .then/.catch: `await` on the engine's own promise never calls the
  // page-replaceable Promise.prototype methods. Until it has run, calls wait in `waiting`.
  const start = async () => {
    deps.post(HELLO);
    let stored: Awaited<ReturnType<OutboxStore['load']>> = { events: [], identity: null };
    try {
      stored = await deps.store.load();
    } catch (error) {
      deps.debug(`could not read the outbox; starting fresh (${String(error)})`);
    }
    identity = isIdentity(stored.identity) ? stored.identity : newIdentity(deps.newId, deps.now());
    outbox.saveIdentity(identity);
    ext.loaded(identity);
    // Left by an earlier load that closed before the worker acknowledged them.
    for (const event of stored.events) unacked.set(event.id, event);
    bound();
    const early = waiting ?? [];
    waiting = null;
    for (const event of early) typeof event === 'function' ? event() : accept(event);
    // Events tracked during the load go out with the next microtask batch.
    if (bridgeReady) send(stored.events);
    markReady();
  };
  let started = false;
  /**
   * Starts after the page's load event, or at the page's first call before it: what the
   * page tracks is then in the outbox as soon as it would have been without the wait (a
   * page closed right after must not lose it), while a page that tracks nothing before
   * `load` pays for nothing before it.
   */
  function begin() {
    if (started) return;
    started = true;
    void start();
  }
  (deps.afterLoad ?? ((task) => task()))(begin);

  function accept(event: TrodoEvent) {
    // Session, ids and group memberships; false while tracking consent is withdrawn.
    if (ext.stamp(event)) queue(event);
  }

  function queue(event: TrodoEvent) {
    outbox.put(event);
    unacked.set(event.id, event);
    bound();
    toSend[toSend.length] = event;
    if (!sendScheduled) {
      sendScheduled = true;
      deps.schedule(sendPending);
    }
  }

  /** Events dropped by the outbox bound since the last debug line: one line per burst, not per event. */
  let droppedUnreported = 0;

  /** Over the cap (the extension has not acknowledged for a long while): drop the oldest. */
  function bound() {
    const over = oldestOver(unacked, deps.maxOutbox ?? MAX_OUTBOX_EVENTS);
    if (!over.length) return;
    for (const id of over) {
      unacked.delete(id);
      outbox.remove(id);
    }
    if (!droppedUnreported) {
      deps.schedule(() => {
        deps.debug(`outbox full: ${unacked.size} events wait for the extension; dropped the ${droppedUnreported} oldest`);
        droppedUnreported = 0;
      });
    }
    droppedUnreported += over.length;
  }

  function sendPending() {
    sendScheduled = false;
    const batch = toSend.filter((event) => unacked.has(event.id));
    toSend = [];
    // Before the bridge is ready, events wait in `unacked`; `ready` sends them all.
    if (bridgeReady) send(batch);
  }

  /** Posts events in messages within the bridge's caps. */
  function send(events: TrodoEvent[]) {
    let parts: string[] = [];
    let bytes = 0;
    const flush = () => {
      if (parts.length) deps.post(encodeEvents(parts));
      parts = [];
      bytes = 0;
    };
    for (const event of events) {
      const json = serialize(event);
      if (parts.length === CAPS.eventsPerMessage || bytes + json.length + 64 > CAPS.messageBytes) flush();
      parts[parts.length] = json;
      bytes += json.length + 1;
    }
    flush();
  }

  function serialize(event: TrodoEvent): string {
    let json = deps.stringify(event);
    if (json.length > CAPS.eventBytes) {
      // Too big for the bridge to accept: send the event without its properties rather
      // than leave it in the outbox forever, and say so on the event.
      event.notes = [...(event.notes ?? []), `properties were ${json.length} bytes, over the ${CAPS.eventBytes}-byte limit; dropped`];
      event.properties = {};
      json = deps.stringify(event);
    }
    return json;
  }

  function track(eventName: string, properties?: object, options?: TrackOptions): Promise<void> {
    try {
      if (!capture) return RESOLVED;
      const nameProblem = eventNameProblem(eventName);
      if (nameProblem) {
        deps.debug(`track ignored: ${nameProblem}`);
        return RESOLVED;
      }
      const notes: string[] = [];
      const event: TrodoEvent = {
        // Stamping gives the event its id in this same call; one that must wait for the
        // state to load gets one now, replaced (before anything has seen it) when stamped.
        id: waiting ? deps.eventId() : '',
        time: eventTime(options, notes, deps.now),
        kind: 'custom',
        name: eventName,
        category: eventCategory(options, notes),
        sessionId: '',
        distinctId: '',
        properties: sanitizeProperties(properties, notes, isReservedPropertyName),
        page: deps.pageData(),
      };
      if (notes.length) {
        event.notes = notes.length > CAPS.notes ? [...notes.slice(0, CAPS.notes - 1), `…and ${notes.length - CAPS.notes + 1} more changes`] : notes;
        deps.debug(`track("${eventName}"): ${notes.join('; ')}`);
      }
      lastName = eventName;
      admit(event);
    } catch (error) {
      deps.debug(`track("${String(eventName)}") failed: ${String(error)}`);
    }
    return RESOLVED;
  }

  function admit(event: TrodoEvent) {
    if (!waiting) return accept(event);
    waiting[waiting.length] = event;
    // Auto-events of the load (the first page view) wait for `load` like everything else.
    if (event.kind === 'custom') begin();
  }

  /** The emitter auto-event modules report through: same stamping, outbox and bridge path as `track`. */
  const emit: Emit = Object.assign(
    (name: AutoEventName, data: JsonObject, element?: JsonObject) => {
      try {
        if (!autoConfig.shouldTrack(name)) return;
        const event: TrodoEvent = {
          id: waiting ? deps.eventId() : '',
          time: deps.now(),
          kind: 'auto',
          name,
          category: AUTO_CATEGORIES[name],
          sessionId: '',
          distinctId: '',
          properties: {},
          autoData: data,
          page: deps.pageData(),
        };
        if (element) event.element = element;
        lastName = name;
        if (!earlyAuto) admit(event);
        else if (earlyAuto.length < MAX_EARLY_AUTO) earlyAuto[earlyAuto.length] = event;
      } catch (error) {
        deps.debug(`auto-event ${name} failed: ${String(error)}`);
      }
    },
    { last: () => lastName },
  );

  /** Runs auto-capture while capture and the extension's auto-event switch are both on. */
  function runAuto(wanted: boolean) {
    try {
      if (wanted && !autoRun) {
        autoRun = new AbortController();
        deps.startAuto(emit, autoRun.signal);
      } else if (!wanted && autoRun) {
        autoRun.abort();
        autoRun = null;
      }
    } catch (error) {
      deps.debug(`auto-events could not ${wanted ? 'start' : 'stop'}: ${String(error)}`);
    }
  }
  // From document_start, before the bridge answers, so the first page view and early
  // errors are seen; what they produce waits in `earlyAuto` for the extension's answer.
  runAuto(true);

  function receive(message: BridgeMessage) {
    switch (message.t) {
      case 'ready':
        bridgeReady = true;
        if (!message.capture && capture) deps.debug('capture is off in the Trodo QA extension; track() is ignored');
        capture = message.capture;
        autoAllowed = message.autoEvents;
        runAuto(capture && autoAllowed);
        if (!waiting) send([...unacked.values()]);
        // After that resend: admitted now, they go out once, with the next microtask batch.
        if (earlyAuto) {
          const early = earlyAuto;
          earlyAuto = null;
          if (capture && autoAllowed) early.forEach(admit);
        }
        break;
      case 'ack':
        for (const id of message.ids) if (unacked.delete(id)) outbox.remove(id);
        ext.acked(message.ids);
        break;
      case 'merge':
        ext.merge(message.identifyId, message.distinctId);
        break;
      case 'gone':
        deps.debug(`extension gone; ${unacked.size} events wait in the outbox`);
        break;
    }
  }

  /** Tells the bridge the page's own SDK looked for us, or the page named its site id (lib/bridge/page-sdk.ts). */
  function seen(site?: string) {
    deps.post(deps.stringify({ t: 'sdk', site }));
    return true;
  }

  const api = {
    version: VERSION,
    // trodo@2.0.0 skips its whole start-up (IP lookup, own session, auto-capture, requests)
    // when this is true, so this tracker stands in for it; its asking is how we know it is there.
    get initialized() {
      return seen();
    },
    track,
    trackEvent: track,
    ready: () => loaded,
    ...autoConfig.api,
  };
  // init, identity, profile, group and consent methods (api.ts); its getters stay getters.
  Object.defineProperties(api, Object.getOwnPropertyDescriptors(ext.api));
  return { api: api as typeof api & TrackerApi, receive, unacked };
}
