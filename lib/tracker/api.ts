import { NativePromise } from './natives';
import type { PageData, TrodoEvent } from '../event';
import { isPlainObject, type Json, type JsonObject } from '../json';
import { propagationHeaders } from '../propagation';
import { sanitizeProperties } from '../sanitize';
import { identifiedDistinctId, type CallOp } from '../wire-calls';
import { createGroups, type Groups } from './groups';
import { anonDistinctId, isIdentity, newIdentity, type Identity } from './identity';
import { createPeople, type People } from './people';
import { advanceSession, groupProperties, type EndedSession } from './session';

/** What every identity, profile and group method resolves to; it never rejects. */
export interface Result {
  success: boolean;
  error?: string;
  /** Resolved by a timeout, not an ack: the call waits in the page outbox (extension unreachable). */
  queued?: boolean;
}

export type Fail = (error: string) => Promise<Result>;

/**
 * Queues an API call in order with the page's events. `apply` changes the state (and may
 * adjust the queued item) right after the item is stamped with the state before the change.
 */
export type Call = (op: CallOp, args: JsonObject, apply?: (item: TrodoEvent, state: Identity) => void) => Promise<Result>;

export interface InitOptions {
  siteId?: string;
  autoEvents?: boolean;
  disabledPaths?: string[];
  disabledEvents?: string[];
}

export interface SessionData {
  sessionId: string | null;
  siteId: string;
  userId: string | null;
  distinctId: string | null;
  startTime: string | null;
  endTime: string | null;
  lastActivity: number | null;
  duration: number;
  pagesViewed: number;
  isBounce: boolean;
}

/** The identity, session, profile, group and consent part of `window.Trodo` (official names). */
export interface TrodoApi extends Groups {
  /** Settable, as trodo@2.0.0's npm `init({ siteId })` does (a getter alone would throw in its strict code). */
  siteId: string;
  init(options?: InitOptions): Promise<void>;
  identify(identifyId: string): Promise<Result>;
  reset(): Promise<Result>;
  people: People;
  setTrackingConsent(consent: boolean): void;
  getTrackingConsent(): boolean;
  getSessionData(): SessionData;
  /** For the page's calls to its own backend, so that server events join this session (lib/propagation.ts); `{}` before the state has loaded (after `await ready()` it has). */
  getPropagationHeaders(): Record<string, string>;
}

export interface ApiDeps {
  now: () => number;
  newId: () => string;
  eventId: () => string;
  pageData: () => PageData;
  debug: (message: string) => void;
  /** Puts a stamped item in the outbox and on its way to the bridge. */
  queue: (item: TrodoEvent) => void;
  /** Runs the task now when the state has loaded, else after loading, in call order with track(). */
  defer: (task: () => void) => void;
  /** Persists the state in the next coalesced outbox write (no write of its own). */
  save: (state: Identity) => void;
  ready: () => Promise<void>;
  /** The extension's capture switch. */
  capture: () => boolean;
  /** user_agent and language for the session record. */
  env?: () => JsonObject;
  /** Tells the origin's other tabs about a changed state, and hears theirs. */
  share?: { post(state: Identity): void; listen(receive: (state: unknown) => void): void };
  later?: (task: () => void, ms: number) => void;
  /** The page named its site id: tell the bridge (lib/bridge/page-sdk.ts). */
  seen: (siteId?: string) => void;
  /** Applies init()'s auto-event options (lib/tracker/auto/config.ts). */
  configure?: (options: InitOptions) => void;
}

/** How long a call's promise waits for the worker's ack before resolving with `queued: true`. */
export const ACK_WAIT_MS = 5000;
/** Other tabs hear about mere activity at most this often (they need it to agree on timeouts). */
const SHARE_ACTIVITY_MS = 60_000;

/**
 * Identity (identify, reset), sessions (record, session_start, session_end), people, groups
 * and consent for the page tracker. Calls become queue items like events (`call` set), so
 * they share the outbox → bridge → worker path and its durability, in order.
 */
export function createApi(deps: ApiDeps) {
  let state: Identity | null = null;
  let options: InitOptions = {};
  let consentNow: boolean | undefined;
  let sharedAt = 0;
  const waiters = new Map<string, (result: Result) => void>();

  const fail: Fail = (error) => {
    deps.debug(error);
    return NativePromise.resolve({ success: false, error });
  };

  function guard<T extends object>(methods: T): T {
    for (const [key, value] of Object.entries(methods)) {
      if (typeof value !== 'function') continue;
      (methods as Record<string, unknown>)[key] = (...args: unknown[]) => {
        try {
          return value(...args);
        } catch (error) {
          return fail(`${key} failed: ${String(error)}`);
        }
      };
    }
    return methods;
  }

  function clean(value: unknown): Json {
    const notes: string[] = [];
    const out = sanitizeProperties({ value }, notes).value ?? null;
    if (notes.length) deps.debug(notes.join('; '));
    return out;
  }

  function item(s: Identity, name: string, properties: JsonObject, extra?: Partial<TrodoEvent>): TrodoEvent {
    return {
      id: deps.eventId(), time: deps.now(), kind: 'custom', name, category: 'api',
      sessionId: s.sessionId, distinctId: s.distinctId, userId: s.anonymousId, properties, page: deps.pageData(), ...extra,
    };
  }

  /** The session record for /api/sdk/track; see `sessionRecord` in lib/wire-calls.ts. */
  function announce(s: Identity, sessionId: string, startedAt: number, lastActivity: number, ended?: boolean) {
    const props: JsonObject = { started_at: startedAt, last_activity: lastActivity, ...deps.env?.() };
    if (ended) props.ended_at = lastActivity;
    deps.queue(item(s, 'session', props, { call: 'session', sessionId }));
  }

  function endSession(s: Identity, ended: EndedSession) {
    const auto = { kind: 'auto', category: 'session', sessionId: ended.id, time: ended.lastActivityAt } as const;
    deps.queue(item(s, 'session_end', { duration: Math.round((ended.lastActivityAt - ended.startedAt) / 1000) }, auto));
    announce(s, ended.id, ended.startedAt, ended.lastActivityAt, true);
  }

  function changed(s: Identity, force: boolean) {
    deps.save(s);
    if (force || s.lastActivityAt - sharedAt > SHARE_ACTIVITY_MS) {
      sharedAt = s.lastActivityAt;
      deps.share?.post({ ...s });
    }
  }

  /**
   * Stamps an event or call with the session and ids, first queueing whatever the session
   * needs: the end of a timed-out one, then the new one's record and session_start, so that
   * Trodo knows a session before any of its events. False: consent is withdrawn, drop it.
   */
  function stamp(e: TrodoEvent): boolean {
    const s = state!;
    if (s.consent === false) return false;
    const { ended, started } = advanceSession(s, deps.now(), deps.newId);
    if (ended) endSession(s, ended);
    if (started) {
      announce(s, s.sessionId, s.sessionStartedAt, s.lastActivityAt);
      deps.queue(item(s, 'session_start', {}, { kind: 'auto', category: 'session' }));
    }
    // The worker's queue is in id order: an id taken now puts the item after what was just
    // queued (session items) and after calls replayed before it. Nothing has seen the old id.
    e.id = deps.eventId();
    e.sessionId = s.sessionId;
    e.distinctId = s.distinctId;
    e.userId = s.anonymousId;
    // Official SDK: memberships first, so the caller's own properties win.
    if (!e.call && s.groups) e.properties = { ...groupProperties(s.groups), ...e.properties };
    changed(s, started);
    return true;
  }

  function settle(id: string, result: Result) {
    const resolve = waiters.get(id);
    waiters.delete(id);
    resolve?.(result);
  }

  const call: Call = (op, args, apply) =>
    new NativePromise((resolve) =>
      deps.defer(() => {
        try {
          if (!deps.capture()) return void resolve({ success: false, error: 'capture is off in the Trodo QA extension' });
          const s = state!;
          const it = item(s, op.replace(/\//g, '.'), args, { call: op });
          if (!stamp(it)) return void resolve({ success: false, error: 'tracking consent is withdrawn' });
          if (apply) {
            apply(it, s);
            changed(state!, true);
          }
          waiters.set(it.id, resolve);
          deps.queue(it);
          deps.later?.(() => settle(it.id, { success: true, queued: true }), ACK_WAIT_MS);
        } catch (error) {
          void fail(`${op} failed: ${String(error)}`).then(resolve);
        }
      }),
    );

  /** deleteUser: the device starts over as a new anonymous user; consent stays as it was. */
  const forget: Parameters<Call>[2] = (_, s) => {
    state = { ...newIdentity(deps.newId, deps.now()), consent: s.consent };
  };

  const api: TrodoApi = guard({
    get siteId() {
      return options.siteId ?? '';
    },
    set siteId(id: string) {
      if (typeof id == 'string') options.siteId = id;
      deps.seen(options.siteId);
    },
    init(given?: InitOptions) {
      // The extension's settings supply the site id that is sent; these are kept for the page.
      if (isPlainObject(given)) deps.configure?.((options = { ...given }));
      deps.seen(options.siteId);
      return deps.ready();
    },
    identify(identifyId: string) {
      if (typeof identifyId !== 'string' || !identifyId.trim() || identifyId.length > 255) {
        return fail('identify: id must be a string of 1-255 characters');
      }
      const id = identifyId.trim();
      // Sent with the distinct id from before; later items carry the identified one.
      return call('identify', { identifyId: id }, (_, s) => void (s.distinctId = identifiedDistinctId(id)));
    },
    reset() {
      return call('reset', {}, (it, s) => {
        if (s.announced === s.sessionId) endSession(s, { id: s.sessionId, startedAt: s.sessionStartedAt, lastActivityAt: s.lastActivityAt });
        it.id = deps.eventId();
        // The body names the new anonymous distinct id and the session it was called in.
        it.distinctId = s.distinctId = anonDistinctId(s.anonymousId, deps.now());
        s.sessionId = deps.newId();
        s.sessionStartedAt = s.lastActivityAt = deps.now();
        delete s.groups;
      });
    },
    people: guard(createPeople(call, fail, clean, forget)),
    ...createGroups(call, fail, clean, guard),
    setTrackingConsent(consent: boolean) {
      if (typeof consent !== 'boolean') return void fail('setTrackingConsent needs true or false');
      consentNow = consent;
      deps.defer(() => {
        state!.consent = consent;
        consentNow = undefined;
        changed(state!, true);
      });
    },
    getTrackingConsent: () => consentNow ?? state?.consent !== false,
    getSessionData(): SessionData {
      const s = state;
      const duration = s ? Math.round((s.lastActivityAt - s.sessionStartedAt) / 1000) : 0;
      return {
        sessionId: s?.sessionId ?? null, siteId: options.siteId ?? '', userId: s?.anonymousId ?? null, distinctId: s?.distinctId ?? null,
        startTime: s ? new Date(s.sessionStartedAt).toISOString() : null, endTime: null, lastActivity: s?.lastActivityAt ?? null,
        duration, pagesViewed: 1, isBounce: duration < 30,
      };
    },
    getPropagationHeaders() {
      // Before the state has loaded: {} now, and the tracker starts loading it (it waits for
      // the page's load event otherwise), so `await Trodo.ready()` gets the headers soonest.
      if (!state) deps.defer(() => {});
      return state ? propagationHeaders(state.sessionId, state.distinctId) : {};
    },
  });

  return {
    api,
    stamp,
    guard,
    /** The state has loaded from the page origin's IndexedDB (or was created). */
    loaded(identity: Identity) {
      state = identity;
      deps.share?.listen((next) => {
        if (!state || !isIdentity(next)) return;
        // Another tab changed identity, session, groups or consent: take its state, keeping the
        // latest activity either tab saw (it decides the 30-minute timeout).
        state = { ...next, lastActivityAt: Math.max(next.lastActivityAt, state.lastActivityAt) };
        deps.save(state);
      });
    },
    /** The worker has these ids: resolve their calls. */
    acked(ids: string[]) {
      for (const id of ids) settle(id, { success: true });
    },
    /** Trodo answered identify(identifyId) with `distinctId`: adopt it unless the page moved on since. */
    merge(identifyId: string, distinctId: string) {
      deps.defer(() => {
        const s = state!;
        if (s.distinctId !== identifiedDistinctId(identifyId) || s.distinctId === distinctId) return;
        s.distinctId = distinctId;
        changed(s, true);
      });
    },
    state: () => state,
  };
}
