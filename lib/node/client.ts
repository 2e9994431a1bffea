import { DEFAULT_BACKOFF } from '../delivery/backoff';
import type { Transport } from '../delivery/transport';
import { SERVER_PAGE, eventCategory, eventNameProblem, eventTime, isReservedPropertyName, type TrodoEvent } from '../event';
import { createIdGenerator } from '../ids';
import type { Json, JsonObject } from '../json';
import { readPropagation, type HeaderSource } from '../propagation';
import { sanitizeProperties } from '../sanitize';
import { type CallOp } from '../wire/ops';
import { identifyAnswer } from '../wire/calls';
import { nodeTransport } from './http-transport';
import { GLOBAL_DISTINCT_ID, createGroups, createPeople } from './profiles';
import { memoryQueue, type ItemOutcome, type QueueItem } from './queue';
import { createSender } from './sender';
import { addErrorReporter, admitError, errorProperties, type ErrorOrigin } from './server-error';
import { sessionMap } from './sessions';
import type { CallResult, FlushResult, NodeOptions, Severity, TrackOptions, TrodoError } from './types';

export const DEFAULT_API_HOST = 'https://sdkapi.trodo.ai';
const DEFAULTS = { batchSize: 50, batchFlushIntervalMs: 5000, timeoutMs: 10_000, maxQueueSize: 100_000, maxQueueBytes: 64 * 1024 * 1024 };
/** How long flush() keeps retrying by default. */
const FLUSH_TIMEOUT_MS = 30_000;
/** A queued item's size beyond its properties: the rest of the wire event, as JSON. */
const EVENT_OVERHEAD_BYTES = 600;

/** Effects, passed in so that tests can drive them. */
export interface NodeEffects {
  transport: Transport;
  now: () => number;
  random: () => number;
  proc: NodeJS.Process;
  log: (line: string) => void;
}

const nodeEffects = (): NodeEffects => ({
  transport: nodeTransport(DEFAULTS.timeoutMs),
  now: Date.now,
  random: Math.random,
  proc: process,
  log: (line) => process.stderr.write(`[trodo] ${line}\n`),
});

/** The same methods as the client, with the distinct id bound. */
export type UserContext = ReturnType<typeof bindUser>;

/**
 * The Node SDK, stateless apart from its queue and session map: the distinct id comes first
 * on every call. Nothing it does throws into the caller; every call resolves to a result.
 */
export function createClient(effects: NodeEffects = nodeEffects()) {
  const { now, proc } = effects;
  let setup: ReturnType<typeof start> | null = null;
  let closed = false;
  let onError: (error: TrodoError) => void = () => {};
  let debug = false;
  const totals = { sent: 0, failed: 0, dropped: 0 };
  const newId = createIdGenerator(now);
  const sessions = sessionMap();

  function report(error: TrodoError) {
    if (debug) effects.log(`${error.kind}: ${error.message}`);
    try {
      onError(error);
    } catch {
      // The caller's handler failing must not break delivery.
    }
  }
  const invalid = (message: string): Promise<CallResult> => {
    const kind = closed ? 'closed' : 'invalid';
    report({ kind, message });
    return Promise.resolve({ success: false, error: message });
  };

  function start(options: NodeOptions) {
    const batched = options.batchEnabled === true;
    const batchSize = batched ? positive(options.batchSize, DEFAULTS.batchSize) : 1;
    const interval = positive(options.batchFlushIntervalMs, DEFAULTS.batchFlushIntervalMs);
    const queue = memoryQueue({ maxCount: positive(options.maxQueueSize, DEFAULTS.maxQueueSize), maxBytes: positive(options.maxQueueBytes, DEFAULTS.maxQueueBytes) });
    const later = (task: () => void, ms: number) => {
      const timer = setTimeout(task, ms);
      timer.unref(); // never keep a process (or a Lambda) alive
      return { cancel: () => clearTimeout(timer) };
    };
    const sender = createSender({
      queue, transport: effects.transport, apiHost: options.apiHost || DEFAULT_API_HOST, siteId: options.siteId, batchSize, batched,
      timeoutMs: positive(options.timeoutMs, DEFAULTS.timeoutMs), backoff: options.backoff ?? { baseMs: DEFAULT_BACKOFF.baseMs, capMs: 30_000 },
      now, random: effects.random, later, sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      onSettled: settled,
      onSent(items, result) {
        const [item] = items;
        const identified = item?.event.call === 'identify' && items.length === 1 ? identifyAnswer(result.kind === 'response' ? result.body : null) : null;
        if (identified) sessions.alias(item!.event.distinctId, identified);
      },
    });
    let intervalTimer: { cancel(): void } | null = null;
    let queuedTotal = 0;
    let flushedAtExit = -1;
    // On a normal exit with events queued: one flush per new batch of events (a flush that
    // leaves events pending, server down, must not keep the process alive forever).
    const beforeExit = () => {
      if (!queue.length || flushedAtExit === queuedTotal) return;
      flushedAtExit = queuedTotal;
      void flush();
    };
    proc.on('beforeExit', beforeExit);
    let removeHooks: (() => void) | null = null;
    const reporter = {
      report: (error: unknown, origin: ErrorOrigin, severity: Severity) => void sendError(error, origin, severity, capturedBy.get(error as object)),
      flush: (ms: number) => flush({ timeoutMs: ms }),
    };
    const hooks = (on: boolean) => {
      if (on && !removeHooks) removeHooks = addErrorReporter(reporter, proc);
      if (!on && removeHooks) removeHooks = (removeHooks(), null);
    };
    hooks(options.autoEvents === true);

    function enqueue(item: QueueItem): Promise<CallResult> {
      queuedTotal++;
      let done: ((result: CallResult) => void) | null = null;
      const result = batched ? null : new Promise<CallResult>((resolve) => (done = resolve));
      if (done) item.settle = (outcome) => done!(resultOf(outcome, item.id));
      const dropped = queue.push(item);
      if (dropped.length) settled(dropped, { kind: 'dropped', reason: `the queue is full (${queue.length} items, ${queue.bytes} bytes)` });
      if (!batched || queue.length >= batchSize) sender.kick();
      else intervalTimer ??= later(() => ((intervalTimer = null), sender.kick()), interval);
      return result ?? Promise.resolve({ success: true, queued: true, eventId: item.id });
    }

    async function flush(opts?: { timeoutMs?: number }): Promise<FlushResult> {
      try {
        intervalTimer?.cancel();
        intervalTimer = null;
        await sender.flush(now() + positive(opts?.timeoutMs, FLUSH_TIMEOUT_MS));
      } catch (error) {
        report({ kind: 'retrying', message: `flush failed: ${String(error)}` });
      }
      return { ...totals, pending: queue.length + sender.inFlight };
    }

    async function shutdown(opts?: { timeoutMs?: number }): Promise<FlushResult> {
      hooks(false);
      proc.off('beforeExit', beforeExit);
      const result = await flush(opts);
      sender.stop();
      return result;
    }
    return { enqueue, flush, shutdown, hooks };
  }

  function settled(items: QueueItem[], outcome: ItemOutcome) {
    if (!items.length) return;
    if (outcome.kind === 'sent') totals.sent += items.length;
    else {
      if (outcome.kind === 'failed') totals.failed += items.length;
      if (outcome.kind === 'dropped') totals.dropped += items.length;
      const kind = outcome.kind === 'failed' ? 'rejected' : outcome.kind;
      report({ kind, count: items.length, message: `${items.length} ${items.length === 1 ? 'item' : 'items'} ${outcome.kind}: ${outcome.reason}` });
    }
    for (const item of items) item.settle?.(outcome);
  }

  function item(event: TrodoEvent, propertyBytes = 64): QueueItem {
    return { id: event.id, event, bytes: EVENT_OVERHEAD_BYTES + propertyBytes };
  }

  function base(distinctId: string, sessionId: string, name: string): Omit<TrodoEvent, 'kind' | 'category' | 'properties'> {
    return { id: newId(), time: now(), name, sessionId, distinctId, page: SERVER_PAGE };
  }

  /** The distinct id's session, queueing its record first when it is new. */
  function session(ready: ReturnType<typeof start>, distinctId: string, given?: string): string {
    const { sessionId, isNew } = sessions.get(distinctId, given);
    if (isNew) {
      const t = now();
      const props: JsonObject = { started_at: t, last_activity: t, timezone: Intl.DateTimeFormat().resolvedOptions().timeZone ?? null };
      void ready.enqueue(item({ ...base(distinctId, sessionId, 'session'), kind: 'custom', category: 'api', properties: props, call: 'session' }));
    }
    return sessionId;
  }

  const ready = (): ReturnType<typeof start> | string =>
    closed ? 'the client is shut down' : setup ?? 'call trodo.init({ siteId }) first';

  function event(distinctId: unknown, name: unknown, properties: unknown, options: unknown, sessionId: string | undefined, kind: 'custom' | 'auto' = 'custom'): Promise<CallResult> {
    try {
      const s = ready();
      if (typeof s === 'string') return invalid(s);
      if (!isId(distinctId)) return invalid('distinctId must be a non-empty string');
      const problem = eventNameProblem(name);
      if (problem) return invalid(problem);
      const notes: string[] = [];
      const props = sanitizeProperties(properties, notes, isReservedPropertyName);
      const ev: TrodoEvent = {
        id: newId(),
        time: eventTime(options, notes, now),
        kind,
        name: name as string,
        category: eventCategory(options, notes),
        sessionId: session(s, distinctId, sessionId),
        distinctId,
        properties: props,
        page: SERVER_PAGE,
      };
      const queued = s.enqueue(item(ev, JSON.stringify(props).length));
      if (!notes.length) return queued;
      if (debug) effects.log(`track("${String(name)}"): ${notes.join('; ')}`);
      return queued.then((r) => ({ ...r, notes }));
    } catch (error) {
      return invalid(`track failed: ${String(error)}`);
    }
  }

  function call(distinctId: unknown, op: CallOp, args: JsonObject, withSession = false): Promise<CallResult> {
    try {
      const s = ready();
      if (typeof s === 'string') return invalid(s);
      if (!isId(distinctId)) return invalid('distinctId must be a non-empty string');
      const sessionId = withSession ? session(s, distinctId) : '';
      const json = JSON.stringify(args);
      return s.enqueue(item({ ...base(distinctId, sessionId, op), kind: 'custom', category: 'api', properties: args, call: op }, json.length));
    } catch (error) {
      return invalid(`${op} failed: ${String(error)}`);
    }
  }

  function clean(value: unknown): Json {
    const notes: string[] = [];
    const out = sanitizeProperties({ value }, notes).value ?? null;
    if (notes.length && debug) effects.log(notes.join('; '));
    return out;
  }

  /** Errors given to captureError with a distinct id: if one is later thrown uncaught, it is reported for that user. */
  const capturedBy = new WeakMap<object, string>();

  function sendError(error: unknown, origin: ErrorOrigin, severity: Severity, distinctId = GLOBAL_DISTINCT_ID): Promise<CallResult> {
    return event(distinctId, 'server_error', errorProperties(error, severity, origin), { category: 'error' }, undefined, 'auto');
  }

  const send = (distinctId: string, op: CallOp, args: JsonObject) => call(distinctId, op, args);
  const people = createPeople(send, invalid, clean);
  const groups = createGroups(send, invalid, clean);

  const client = {
    /** Configures the client; calls before it resolve `{ success: false }`. A second init replaces nothing: use createTrodo for another. */
    init(options: NodeOptions): CallResult {
      try {
        if (setup) return { success: false, error: 'already initialised' };
        if (!options || !isId(options.siteId)) {
          void invalid('init: siteId must be a non-empty string');
          return { success: false, error: 'siteId must be a non-empty string' };
        }
        onError = typeof options.onError === 'function' ? options.onError : () => {};
        debug = options.debug === true;
        setup = start(options);
        return { success: true };
      } catch (error) {
        return { success: false, error: String(error) };
      }
    },
    track: (distinctId: string, eventName: string, properties?: object, options?: TrackOptions) => event(distinctId, eventName, properties, options, undefined),
    trackEvent: (distinctId: string, eventName: string, properties?: object, options?: TrackOptions) => event(distinctId, eventName, properties, options, undefined),
    identify: (distinctId: string, identifyId: string) =>
      isId(identifyId) ? call(distinctId, 'identify', { identifyId }, true) : invalid('identifyId must be a non-empty string'),
    people,
    ...groups,
    /** Binds the distinct id (and optionally the browser's session id) once for several calls. */
    forUser: (distinctId: string, opts?: { sessionId?: string }) => bindUser(client, distinctId, opts?.sessionId, event),
    /**
     * The forUser context of the browser session that made this request: the page sent
     * `Trodo.getPropagationHeaders()` with it. The headers are checked (lib/propagation.ts);
     * when they are missing or refused, `error` says why, `onError` hears it, and every call
     * of the context resolves `{ success: false, error }` without sending anything.
     */
    forRequest(req: HeaderSource) {
      const read = readPropagation(req);
      if (read.ok) return { ...bindUser(client, read.distinctId, read.sessionId, event), sessionId: read.sessionId as string | null, error: null as string | null };
      const error = `forRequest: ${read.error}`;
      void invalid(error); // heard once here, not again at each call of the context
      return { ...refusedUser(bindUser(client, '', undefined, event), error), sessionId: null as string | null, error: read.error as string | null };
    },
    /** Sends a `server_error` event now, for this user (default `server_global`), severity `error` by default. */
    captureError(error: unknown, opts?: { distinctId?: string; severity?: Severity } | Severity): Promise<CallResult> {
      const o = typeof opts === 'string' ? { severity: opts } : opts ?? {};
      if (o.distinctId && typeof error === 'object' && error !== null) capturedBy.set(error, o.distinctId);
      if (!admitError(error, now)) return Promise.resolve({ success: false, error: 'rate limited: the same error was sent 5 times in the last minute' });
      return sendError(error, 'captureError', o.severity ?? 'error', o.distinctId);
    },
    enableAutoEvents: () => void setup?.hooks(true),
    disableAutoEvents: () => void setup?.hooks(false),
    /** Sends everything queued and waits for the request in flight; resolves with the totals, never rejects. */
    flush: (opts?: { timeoutMs?: number }): Promise<FlushResult> =>
      setup ? setup.flush(opts) : Promise.resolve({ ...totals, pending: 0 }),
    /** Flushes, removes the process hooks and stops the timers. Later calls resolve `{ success: false }`. */
    async shutdown(opts?: { timeoutMs?: number }): Promise<FlushResult> {
      if (!setup) return { ...totals, pending: 0 };
      closed = true;
      return setup.shutdown(opts);
    },
  };
  return client;
}

export type TrodoClient = ReturnType<typeof createClient>;

/** What forRequest returns: the bound context with the session it joined, or `error` (and no session) when the headers were refused. */
export type RequestContext = ReturnType<TrodoClient['forRequest']>;

function bindUser(client: TrodoClient, distinctId: string, sessionId: string | undefined, event: (d: unknown, n: unknown, p: unknown, o: unknown, s: string | undefined) => Promise<CallResult>) {
  const track = (eventName: string, properties?: object, options?: TrackOptions) => event(distinctId, eventName, properties, options, sessionId);
  const p = client.people;
  return {
    distinctId,
    track,
    trackEvent: track,
    identify: (identifyId: string) => client.identify(distinctId, identifyId),
    captureError: (error: unknown, severity?: Severity) => client.captureError(error, { distinctId, severity }),
    people: {
      set: (properties: object) => p.set(distinctId, properties),
      setOnce: (properties: object) => p.setOnce(distinctId, properties),
      set_once: (properties: object) => p.setOnce(distinctId, properties),
      unset: (keys: string | string[]) => p.unset(distinctId, keys),
      increment: (key: string | Record<string, number>, amount?: number) => p.increment(distinctId, key, amount),
      append: (key: string, values: unknown) => p.append(distinctId, key, values),
      union: (key: string, values: unknown) => p.union(distinctId, key, values),
      remove: (key: string, values: unknown) => p.remove(distinctId, key, values),
      trackCharge: (amount: number, properties?: object) => p.trackCharge(distinctId, amount, properties),
      clearCharges: () => p.clearCharges(distinctId),
      deleteUser: () => p.deleteUser(distinctId),
    },
    set_group: (groupKey: string, groupId: string | string[]) => client.set_group(distinctId, groupKey, groupId),
    add_group: (groupKey: string, groupId: string) => client.add_group(distinctId, groupKey, groupId),
    remove_group: (groupKey: string, groupId: string) => client.remove_group(distinctId, groupKey, groupId),
  };
}

/** The same shape, every method resolving `{ success: false, error }` and sending nothing. */
function refusedUser<T extends object>(user: T, error: string): T {
  const refuse = () => Promise.resolve({ success: false, error });
  const swap = (o: object): object =>
    Object.fromEntries(Object.entries(o).map(([k, v]) => [k, typeof v === 'function' ? refuse : typeof v === 'object' && v !== null ? swap(v) : v]));
  return swap(user) as T;
}

function resultOf(outcome: ItemOutcome, eventId: string): CallResult {
  switch (outcome.kind) {
    case 'sent':
      return { success: true, eventId };
    case 'retrying':
      return { success: false, queued: true, eventId, error: outcome.reason };
    case 'failed':
    case 'dropped':
      return { success: false, eventId, error: outcome.reason };
  }
}

const isId = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';

function positive(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.floor(value) : fallback;
}

