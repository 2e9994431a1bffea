import type { DeliveryState, HistoryRecord } from '../history';
import type { Settings } from '../settings';
import { toWireEvent } from '../wire';
import { requestFor } from '../wire-calls';
import { DEFAULT_BACKOFF, backoffDelay, type BackoffPolicy } from '../delivery/backoff';
import { classify } from '../delivery/classify';
import type { WorkerStore } from './store';
import type { HttpResult, Transport } from '../delivery/transport';
import { rejectedItems, splitAfter413, takeBatch } from '../delivery/batch';

export type FlushTrigger = 'size' | 'timer' | 'alarm' | 'start' | 'manual' | 'settings';

export interface FlusherDeps {
  store: WorkerStore;
  transport: Transport;
  settings: () => Settings;
  now: () => number;
  random: () => number;
  newBatchId: () => string;
  setTimer: (task: () => void, ms: number) => unknown;
  clearTimer: (handle: unknown) => void;
  /** Records whose delivery status changed. */
  onRecords: (records: HistoryRecord[]) => void;
  onState: (state: DeliveryState) => void;
  /** A batch was delivered (2xx), with the answer: identify's answer goes back to the page. */
  onSent?: (records: HistoryRecord[], result: HttpResult) => void;
  /** Fixed policy for tests; by default backoff starts at 1 s and is capped by settings.maxBackoffMs. */
  backoff?: BackoffPolicy;
  maxAgeMs?: number;
}

/** The retry schedule, stored so that it outlives the service worker. */
interface RetryState {
  failures: number;
  notBefore: number;
  /** A server-given Retry-After is running: even "flush now" waits for it. */
  rateLimited: boolean;
  lastError: string;
}

const RETRY_KEY = 'retry';
/** Batches read from the queue at once. */
const READ_AHEAD = 10;
export const MAX_EVENT_AGE_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * Sends the queue in batches, oldest first, one request in flight at a time: batches go
 * in order, so events from one page reach the server in the order they happened. A batch
 * leaves the queue only after a 2xx (or when it is dropped with a recorded reason).
 */
export function createFlusher(deps: FlusherDeps) {
  const policy = (): BackoffPolicy => deps.backoff ?? { baseMs: DEFAULT_BACKOFF.baseMs, capMs: deps.settings().maxBackoffMs };
  const maxAge = deps.maxAgeMs ?? MAX_EVENT_AGE_MS;
  const state: DeliveryState = { inFlight: false, failures: 0 };
  let running: Promise<void> | null = null;
  let again = false;
  let manual = false;
  let timer: unknown = null;
  let timerAt = Infinity;
  let queuedSinceFlush = 0;
  /**
   * Ids the flusher has read from the queue and not yet settled (the batches read ahead,
   * the one being sent, the one whose outcome is being stored): queue eviction skips them,
   * so no event is counted both sent and dropped.
   */
  const busy = new Set<string>();

  const publish = () => deps.onState({ ...state });

  function flush(trigger: FlushTrigger): Promise<void> {
    if (trigger === 'manual') manual = true;
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          again = false;
          await drain();
        } while (again);
      } catch (error) {
        // A store failure: try again later rather than spin.
        state.lastError = `delivery stopped: ${String(error)}`;
        wakeIn(backoffDelay(++state.failures, policy(), deps.random));
      } finally {
        busy.clear();
        running = null;
        state.inFlight = false;
        publish();
      }
    })();
    return running;
  }

  /** A timer while the worker lives; the alarm is the backstop when it does not. */
  function wakeIn(ms: number) {
    const at = deps.now() + ms;
    if (at >= timerAt) return;
    if (timer !== null) deps.clearTimer(timer);
    timerAt = at;
    timer = deps.setTimer(() => {
      timer = null;
      timerAt = Infinity;
      void flush('timer');
    }, ms);
  }

  async function drain() {
    const settings = deps.settings();
    if (!settings.siteId) {
      state.held = 'No site id is set: events are kept, and sent once one is set in the options.';
      return;
    }
    state.held = undefined;
    const retry = await deps.store.getMeta<RetryState>(RETRY_KEY);
    const bypass = manual && !retry?.rateLimited;
    manual = false;
    if (retry && deps.now() < retry.notBefore && !bypass) {
      Object.assign(state, { failures: retry.failures, nextAttemptAt: retry.notBefore, lastError: retry.lastError });
      wakeIn(retry.notBefore - deps.now());
      return;
    }
    let failures = retry?.failures ?? 0;
    let limit = settings.batchSize;
    queuedSinceFlush = 0;
    /** The head of the queue, read ahead for several batches: one read, not one per batch. */
    let ahead: HistoryRecord[] = [];
    /**
     * The last delivered batch's outcome, being stored while the next request is out: one
     * request in flight and one write, overlapped. If the worker stops before the write
     * commits, that batch is sent again: a duplicate, which the server drops by event_id.
     */
    let recording: Promise<void> = Promise.resolve();
    const reread = async () => {
      await recording;
      ahead = [];
      busy.clear();
    };

    for (;;) {
      if (!ahead.length) {
        await reread();
        ahead = await deps.store.head(limit * READ_AHEAD);
        for (const record of ahead) busy.add(record.id);
      }
      // A call goes alone to its endpoint; plain events in bulk (see calls.ts).
      const head = takeBatch(ahead.slice(0, limit));
      ahead = ahead.slice(head.length);
      if (head.length === 0) break;
      const now = deps.now();
      // Age counts from when the extension queued the event: `capturedAt` is the event's own
      // time, which page code may backdate with options.timestamp.
      const expired = head.filter((r) => now - r.queuedAt > maxAge);
      const broken = unencodable(head);
      if (expired.length || broken.length) {
        await reread();
        if (expired.length) await settle(expired.map((r) => ({ ...r, status: 'dropped', reason: 'older than the maximum age of 7 days; never delivered' })), 'dropped');
        else await settle(broken.map(({ record, error }) => ({ ...record, status: 'dropped', reason: `could not be encoded for sending: ${error}` })), 'dropped');
        continue;
      }

      state.inFlight = true;
      publish();
      const batchId = deps.newBatchId();
      const result = await deps.transport(requestFor(settings.apiHost, settings.siteId, head.map((r) => r.event)), { timeoutMs: settings.requestTimeoutMs });
      const outcome = classify(result, deps.now());
      const at = deps.now();
      const tried = head.map((r) => ({ ...r, attempts: r.attempts + 1, batchId, httpStatus: result.kind === 'response' ? result.status : undefined }));
      if (outcome.kind !== 'sent') await reread();

      switch (outcome.kind) {
        case 'sent': {
          failures = 0;
          state.lastSentAt = at;
          const sent = tried.map((r) => ({ ...r, status: 'sent' as const, sentAt: at, lastError: undefined, nextAttemptAt: undefined }));
          await recording; // one outcome being written at a time
          recording = (async () => {
            await settle(sent, 'sent');
            for (const record of sent) busy.delete(record.id);
            deps.onSent?.(tried, result);
          })();
          // Its failure surfaces where it is awaited (before the next write or read).
          recording.catch(() => {});
          break;
        }
        case 'rejected': {
          // Drop what the server named; if it named none of these, the whole batch.
          const dropped = rejectedItems(tried, outcome.invalid);
          await settle(dropped.map((r) => ({ ...r, status: 'dropped', reason: `${outcome.reason}: ${outcome.invalid.get(r.id) ?? 'batch rejected'}` })), 'dropped');
          break; // the rest are sent again at once
        }
        case 'split': {
          const split = splitAfter413(head.length, settings.batchSize);
          if (split.dropAlone) await settle(tried.map((r) => ({ ...r, status: 'dropped', reason: 'HTTP 413: the event alone is too large for the server' })), 'dropped');
          limit = split.limit;
          break;
        }
        case 'retry': {
          failures++;
          const wait = outcome.afterMs ?? backoffDelay(failures, policy(), deps.random);
          const next: RetryState = { failures, notBefore: at + wait, rateLimited: outcome.afterMs !== null, lastError: outcome.reason };
          const retrying = tried.map((r) => ({ ...r, status: 'retrying' as const, lastError: outcome.reason, nextAttemptAt: next.notBefore }));
          await deps.store.apply({ put: retrying, dequeue: [] });
          await deps.store.setMeta(RETRY_KEY, next);
          deps.onRecords(retrying);
          Object.assign(state, { failures, nextAttemptAt: next.notBefore, lastError: outcome.reason });
          wakeIn(wait);
          return;
        }
      }
    }
    await reread();
    if (retry) await deps.store.setMeta(RETRY_KEY, undefined);
    Object.assign(state, { failures: 0, nextAttemptAt: undefined, lastError: undefined });
  }

  async function settle(records: HistoryRecord[], as: 'sent' | 'dropped') {
    await deps.store.apply({ put: records, dequeue: records.map((r) => r.id), count: { [as]: records.length } });
    deps.onRecords(records);
  }

  return {
    flush,
    /** New events were queued: send at once when a batch is full, else within the flush interval. */
    queued(count: number) {
      queuedSinceFlush += count;
      const { batchSize, flushIntervalMs } = deps.settings();
      if (queuedSinceFlush >= batchSize) void flush('size');
      else wakeIn(flushIntervalMs);
    },
    state: () => ({ ...state }),
    /** The batch in flight (live): queue eviction must leave these to the flusher. */
    busy: busy as ReadonlySet<string>,
  };
}

/** Events the wire format cannot express (a guard against records from older versions). */
function unencodable(records: HistoryRecord[]): { record: HistoryRecord; error: string }[] {
  const out: { record: HistoryRecord; error: string }[] = [];
  for (const record of records) {
    try {
      toWireEvent(record.event);
    } catch (error) {
      out.push({ record, error: String(error) });
    }
  }
  return out;
}
