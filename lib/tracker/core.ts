import type { PageData, TrodoEvent } from '../event';
import { eventCategory, eventNameProblem, eventTime, isReservedPropertyName } from '../event';
import { ID_ROOM, idBefore } from '../ids';
import type { JsonObject } from '../json';
import { CAPS, HELLO, encodeEvents, type BridgeToPage } from '../protocol';
import { sanitizeProperties } from '../sanitize';
import { identifiedDistinctId } from '../wire/ops';
import { AUTO_CATEGORIES, type AutoEventName, type Emit } from './auto/catalog';
import { createAutoConfig } from './auto/config';
import type { Apply, Result } from './calls';
import { isIdentity, newIdentity, type Identity } from './identity';
import { NativePromise } from './natives';
import { createOutbox } from './outbox';
import { MAX_OUTBOX_EVENTS, oldestOver } from './outbox-bound';
import type { OutboxStore } from './outbox-store';
import { advance, continues, groupProperties, type SessionItem } from './session';

/** Effects the tracker needs; `install.ts` passes the browser's, tests pass fakes. */
export interface TrackerDeps {
  store: OutboxStore;
  /** Sends one JSON message to the bridge. */
  post: (json: string) => void;
  pageData: () => PageData;
  now: () => number;
  /** Event ids that sort by birth and leave room before each (lib/ids.ts `createIdGenerator`). */
  eventId: () => string;
  newId: () => string;
  schedule: (task: () => void) => void;
  debug: (message: string) => void;
  stringify: (value: unknown) => string;
  /** Starts auto-capture (every family) until `signal` aborts. */
  startAuto: (emit: Emit, signal: AbortSignal) => void;
  /** Unacknowledged events kept at most; default MAX_OUTBOX_EVENTS. */
  maxOutbox?: number;
  /** user_agent, language and time zone for the session record. */
  env?: () => JsonObject;
  /** Tells the origin's other tabs about a changed state, and hears theirs. */
  share?: { post(state: Identity): void; listen(receive: (state: unknown) => void): void };
  later?: (task: () => void, ms: number) => void;
  /**
   * Runs the start-up work that can wait (loading the state and the outbox, greeting the
   * bridge) once the page has loaded (lib/after-load.ts); at once when absent.
   */
  afterLoad?: (task: () => void) => void;
  /** Where input the tracker does not take goes; a debug line with `detail` when absent. */
  onIgnored?: (reason: IgnoredReason, detail: string) => void;
}

/**
 * Why the tracker did not take something it was given: a name it cannot use, capture
 * switched off in the extension, tracking consent withdrawn, auto-events recorded before
 * the extension answered beyond what is kept for it, or the oldest waiting events dropped
 * because the extension has not acknowledged anything for too long.
 */
export type IgnoredReason = 'invalid' | 'capture-off' | 'consent' | 'early-full' | 'outbox-full';

export interface TrackOptions {
  category?: string;
  /** When the event happened: a Date, epoch milliseconds or an ISO string. */
  timestamp?: Date | number | string;
}

/** Auto-events recorded before the extension said whether it wants them (held in memory). */
const MAX_EARLY_AUTO = 200;
/** How long a call's promise waits for the worker's ack before resolving with `queued: true`. */
export const ACK_WAIT_MS = 5000;
/** Other tabs hear about mere activity at most this often (they need it to agree on timeouts). */
const SHARE_ACTIVITY_MS = 60_000;
const RESOLVED = NativePromise.resolve();
const CAPTURE_OFF = 'capture is off in the Trodo QA extension';
const NO_CONSENT = 'tracking consent is withdrawn';

/**
 * The page tracker's one owner of state: identity and session, the events not yet
 * acknowledged, the bridge's switches. Every event and call is born in `make` with its id,
 * and the ids' order is the queue's order: what stamping an item causes later (a session's
 * end, record and start) takes ids from the room before the oldest item still waiting.
 * `track()` only validates, makes and stamps on the caller's stack; the outbox write and
 * the bridge message happen once per microtask burst. It keeps every event until the
 * worker acknowledges it and sends all that is unacknowledged whenever a bridge says
 * `ready` — including events left in the outbox by earlier page loads.
 */
export function createCore(deps: TrackerDeps) {
  const debug = deps.debug;
  const ignore = deps.onIgnored ?? ((_: IgnoredReason, detail: string) => debug(detail));
  const skip = (reason: IgnoredReason, what: string, why: string) => ignore(reason, `${what} ignored: ${why}`);
  const outbox = createOutbox(deps.store, deps.schedule, (error) => debug(`outbox write failed; events stay in memory until delivered (${String(error)})`));
  const unacked = new Map<string, TrodoEvent>();
  const waiters = new Map<string, (result: Result) => void>();
  /** Work (and the items born for it) from before the state loaded; run in order once it has. */
  let waiting: (() => void)[] | null = [];
  /** Items born but not stamped yet, in birth order, with their birth time: a session starts before the oldest. */
  const unstamped = new Map<string, number>();
  let state: Identity | null = null;
  let sharedAt = 0;
  let bridgeReady = false;
  let capture = true;
  /** The extension's auto-event switch; null until the bridge's first `ready`. */
  let autoAllowed: boolean | null = null;
  /** Auto-events from before that first `ready`: kept, or dropped if the switch is off. */
  let earlyAuto: TrodoEvent[] | null = [];
  let autoRun: AbortController | null = null;
  let lastName = '';
  /** For each id whose room session items took ids from, the next free slot in it. */
  const rooms = new Map<string, number>();
  const autoConfig = createAutoConfig(() => deps.pageData().path, () => capture && autoAllowed !== false);
  let toSend: TrodoEvent[] = [];
  let sendScheduled = false;
  let droppedUnreported = 0;
  let markReady!: () => void;
  const loaded = new NativePromise<void>((resolve) => (markReady = resolve));

  // An async function, not .then/.catch: `await` on the engine's own promise never calls the
  // page-replaceable Promise.prototype methods. Until it has run, work waits in `waiting`.
  const start = async () => {
    deps.post(HELLO);
    let stored: Awaited<ReturnType<OutboxStore['load']>> = { events: [], identity: null };
    try {
      stored = await deps.store.load();
    } catch (error) {
      debug(`could not read the outbox; starting fresh (${String(error)})`);
    }
    state = isIdentity(stored.identity) ? stored.identity : newIdentity(deps.newId, deps.now());
    outbox.saveIdentity(state);
    deps.share?.listen((next) => {
      if (!state || !isIdentity(next)) return;
      // Another tab changed identity, session, groups or consent: take its state, keeping the
      // latest activity either tab saw (it decides the 30-minute timeout).
      state = { ...next, lastActivityAt: Math.max(next.lastActivityAt, state.lastActivityAt) };
      outbox.saveIdentity(state);
    });
    // Left by an earlier load that closed before the worker acknowledged them.
    for (const event of stored.events) unacked.set(event.id, event);
    bound();
    const early = waiting ?? [];
    waiting = null;
    for (const task of early) task();
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

  /** Runs `task` now if the state has loaded, else once it has, in order with everything else. */
  function defer(task: () => void) {
    if (!waiting) return task();
    waiting[waiting.length] = task;
    begin();
  }

  /** The one place an event or call is made: its id, time and page are those of its birth. */
  function make(kind: TrodoEvent['kind'], name: string, category: string, properties: JsonObject, time = deps.now(), id = deps.eventId()): TrodoEvent {
    return { id, time, kind, name, category, sessionId: '', distinctId: '', properties, page: deps.pageData() };
  }

  /** A session item as an event, with an id before `next` (and after everything before it). */
  function fromSession(item: SessionItem, s: Identity, next: string): TrodoEvent {
    const slot = rooms.get(next) ?? 0;
    rooms.set(next, slot + 1);
    // More items than room before one id (not seen in practice): a new id, after it.
    const id = slot < ID_ROOM ? idBefore(next, slot) : deps.eventId();
    const record = item.name === 'session';
    const e = make(record ? 'custom' : 'auto', item.name, record ? 'api' : 'session', record ? { ...item.properties, ...deps.env?.() } : item.properties, item.time, id);
    if (record) e.call = 'session';
    e.sessionId = item.sessionId;
    e.distinctId = s.distinctId;
    e.userId = s.anonymousId;
    return e;
  }

  /**
   * Stamps an item with the state (session, ids, group memberships), first queueing what
   * its session needs, born before the oldest item still unstamped; then runs the call's
   * `apply`. False: tracking consent is withdrawn, nothing was stamped.
   */
  function stamp(e: TrodoEvent, at: number, apply?: Apply): boolean {
    if (unstamped.size) unstamped.delete(e.id);
    let s = state!;
    if (s.consent === false) return false;
    let started = false;
    // Almost every event only adds activity: then the state is not copied (track()'s hot path).
    if (!continues(s, at)) {
      // The oldest unstamped item (an auto-event held for the extension's answer) was born
      // first: a session that starts now starts before it, at its time.
      let anchor = e.id;
      let from = at;
      if (unstamped.size) {
        // Births are in id order, and so is this map: its first item is the oldest.
        const [id, born] = unstamped.entries().next().value!;
        if (id < anchor) {
          anchor = id;
          from = born;
        }
      }
      const step = advance(s, from, deps.newId);
      state = s = step.state;
      for (const item of step.items) queue(fromSession(item, s, anchor));
      started = step.items.length > 0;
    }
    if (at > s.lastActivityAt) s.lastActivityAt = at;
    e.sessionId = s.sessionId;
    e.distinctId = s.distinctId;
    e.userId = s.anonymousId;
    // Official SDK: memberships first, so the caller's own properties win.
    if (!e.call && s.groups) e.properties = { ...groupProperties(s.groups), ...e.properties };
    if (apply) state = apply(e, s, (items) => items.forEach((item) => queue(fromSession(item, s, e.id)))) ?? s;
    changed(state!, !!apply || started);
    return true;
  }

  function changed(s: Identity, force: boolean) {
    outbox.saveIdentity(s);
    if (force || s.lastActivityAt - sharedAt > SHARE_ACTIVITY_MS) {
      sharedAt = s.lastActivityAt;
      deps.share?.post({ ...s });
    }
  }

  /** Takes an event now, or in order once the state has loaded; custom ones start that loading. */
  function admit(e: TrodoEvent, at: number) {
    if (!waiting) return take(e, at);
    unstamped.set(e.id, at);
    waiting[waiting.length] = () => take(e, at);
    // Auto-events of the load (the first page view) wait for `load` like everything else.
    if (e.kind === 'custom') begin();
  }

  function take(e: TrodoEvent, at: number) {
    if (stamp(e, at)) queue(e);
    else skip('consent', e.name, NO_CONSENT);
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

  /** Over the cap (the extension has not acknowledged for a long while): drop the oldest. */
  function bound() {
    const over = oldestOver(unacked, deps.maxOutbox ?? MAX_OUTBOX_EVENTS);
    if (!over.length) return;
    for (const id of over) {
      unacked.delete(id);
      outbox.remove(id);
    }
    // One line per burst, not per event.
    if (!droppedUnreported) {
      deps.schedule(() => {
        ignore('outbox-full', `outbox full: ${unacked.size} events wait for the extension; dropped the ${droppedUnreported} oldest`);
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
      if (!capture) {
        skip('capture-off', `track("${String(eventName)}")`, CAPTURE_OFF);
        return RESOLVED;
      }
      const problem = eventNameProblem(eventName);
      if (problem) {
        skip('invalid', 'track', problem);
        return RESOLVED;
      }
      const at = deps.now();
      const notes: string[] = [];
      const event = make('custom', eventName, eventCategory(options, notes), sanitizeProperties(properties, notes, isReservedPropertyName), eventTime(options, notes, () => at));
      if (notes.length) {
        event.notes = notes.length > CAPS.notes ? [...notes.slice(0, CAPS.notes - 1), `…and ${notes.length - CAPS.notes + 1} more changes`] : notes;
        debug(`track("${eventName}"): ${notes.join('; ')}`);
      }
      lastName = eventName;
      admit(event, at);
    } catch (error) {
      debug(`track("${String(eventName)}") failed: ${String(error)}`);
    }
    return RESOLVED;
  }

  /** The emitter auto-event modules report through: born and stamped like `track`'s events. */
  const emit: Emit = Object.assign(
    (name: AutoEventName, data: JsonObject, element?: JsonObject) => {
      try {
        if (!autoConfig.shouldTrack(name)) return;
        const event = make('auto', name, AUTO_CATEGORIES[name], {});
        event.autoData = data;
        if (element) event.element = element;
        lastName = name;
        if (!earlyAuto) return admit(event, event.time);
        if (earlyAuto.length === MAX_EARLY_AUTO) return skip('early-full', name, `${MAX_EARLY_AUTO} auto-events wait for the extension's first answer`);
        earlyAuto[earlyAuto.length] = event;
        unstamped.set(event.id, event.time);
      } catch (error) {
        debug(`auto-event ${name} failed: ${String(error)}`);
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
      debug(`auto-events could not ${wanted ? 'start' : 'stop'}: ${String(error)}`);
    }
  }
  // From document_start, before the bridge answers, so the first page view and early
  // errors are seen; what they produce waits in `earlyAuto` for the extension's answer.
  runAuto(true);

  /**
   * Queues an API call in order with the page's events: born now, stamped (and `apply`
   * run) once the state has loaded; resolves when the worker acknowledges it.
   */
  function call(op: NonNullable<TrodoEvent['call']>, args: JsonObject, apply?: Apply): Promise<Result> {
    const it = make('custom', op.replace(/\//g, '.'), 'api', args);
    it.call = op;
    const at = it.time;
    if (waiting) unstamped.set(it.id, at);
    return new NativePromise((resolve) =>
      defer(() => {
        unstamped.delete(it.id);
        try {
          if (!capture) return void resolve({ success: false, error: CAPTURE_OFF });
          if (!stamp(it, at, apply)) return void resolve({ success: false, error: NO_CONSENT });
          waiters.set(it.id, resolve);
          queue(it);
          deps.later?.(() => settle(it.id, { success: true, queued: true }), ACK_WAIT_MS);
        } catch (error) {
          debug(`${op} failed: ${String(error)}`);
          resolve({ success: false, error: `${op} failed: ${String(error)}` });
        }
      }),
    );
  }

  function settle(id: string, result: Result) {
    const resolve = waiters.get(id);
    waiters.delete(id);
    resolve?.(result);
  }

  function receive(message: BridgeToPage) {
    switch (message.type) {
      case 'ready':
        bridgeReady = true;
        if (!message.capture && capture) debug(`${CAPTURE_OFF}; track() is ignored`);
        capture = message.capture;
        autoAllowed = message.autoEvents;
        runAuto(capture && autoAllowed);
        if (!waiting) send([...unacked.values()]);
        // After that resend: admitted now, they go out once, with the next microtask batch.
        if (earlyAuto) {
          const early = earlyAuto;
          earlyAuto = null;
          for (const event of early) {
            if (capture && autoAllowed) admit(event, event.time);
            else unstamped.delete(event.id);
          }
        }
        break;
      case 'ack':
        for (const id of message.ids) {
          if (unacked.delete(id)) outbox.remove(id);
          settle(id, { success: true });
        }
        break;
      case 'merge':
        // Trodo answered identify(identifyId) with this distinct id: adopt it unless the page moved on since.
        defer(() => {
          const s = state!;
          if (s.distinctId !== identifiedDistinctId(message.identifyId) || s.distinctId === message.distinctId) return;
          s.distinctId = message.distinctId;
          changed(s, true);
        });
        break;
      case 'gone':
        debug(`extension gone; ${unacked.size} events wait in the outbox`);
        break;
    }
  }

  return {
    track,
    call,
    defer,
    receive,
    unacked,
    autoConfig,
    ready: () => loaded,
    /** The state, or null before it has loaded. */
    state: () => state,
    setConsent(consent: boolean) {
      defer(() => {
        state = { ...state!, consent };
        changed(state, true);
      });
    },
  };
}
