import type { DeliveryState, HistoryRecord } from '../history';
import { isLoopbackHost, maySend } from '../sending';
import type { Settings } from '../settings';
import { DEFAULT_BACKOFF, backoffDelay, type BackoffPolicy } from '../delivery/backoff';
import { rejectedItems, splitAfter413, takeBatch } from '../delivery/batch';
import { classify, type Outcome } from '../delivery/classify';
import type { HttpResult, Transport } from '../delivery/transport';
import { encodeBatch, type EncodedBatch } from './encode-batch';
import { readAhead } from './read-ahead';
import { createRecorder, type Settlement } from './recorder';
import type { WorkerStore } from './store';

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

/** What one drain has learnt so far, shared by the requests it has out. */
interface Round {
  failures: number;
  /** Events per batch: batchSize, less after a 413. */
  limit: number;
  /** Set by the first answer that says "later": nothing new goes out, and the drain ends. */
  retry: RetryState | null;
  /** An answer left events queued that were read past (400, 413): read the head again. */
  stale: boolean;
  /** When the partial batch left at the head falls due. */
  tailDueAt: number | null;
  tailLength: number;
}

const RETRY_KEY = 'retry';
/** Batches read from the queue at once. */
const READ_AHEAD = 10;
/**
 * Bulk requests out at once when a backlog exists. One request at a time left the worker idle
 * most of a burst (answer, then write, then the next request); four keep the connection and
 * the store busy (see the README's bench). Calls never overlap anything (see takeBatch).
 */
export const MAX_IN_FLIGHT = 4;
/**
 * Delivered batches whose outcome is not yet committed, at most: no new request goes out past
 * it. A worker stopped at any moment sends those again (the server drops them by event_id),
 * so a stop costs at most MAX_IN_FLIGHT + MAX_UNCOMMITTED batches sent twice.
 */
export const MAX_UNCOMMITTED = 2 * MAX_IN_FLIGHT;
export const MAX_EVENT_AGE_MS = 7 * 24 * 60 * 60 * 1000;
/** How often held events' ages are checked. */
const HELD_CHECK_MS = 60_000;

/**
 * Sends the queue in batches, oldest first: `nextBatch` reads and encodes, `send` posts and
 * classifies, `record` stores the outcome. A batch leaves the queue only after a 2xx (or
 * when it is dropped with a recorded reason). Up to MAX_IN_FLIGHT bulk batches are out at
 * once, so plain events of neighbouring batches may arrive out of order (each carries its
 * own timestamp and id); a call goes alone, after everything before it was answered.
 */
export function createFlusher(deps: FlusherDeps) {
  const policy = (): BackoffPolicy => deps.backoff ?? { baseMs: DEFAULT_BACKOFF.baseMs, capMs: deps.settings().maxBackoffMs };
  const maxAge = deps.maxAgeMs ?? MAX_EVENT_AGE_MS;
  const state: DeliveryState = { inFlight: false, failures: 0 };
  let running: Promise<void> | null = null;
  let again = false;
  let manual = false;
  /** Asked for by anything but a full batch: partial batches go now rather than waiting. */
  let force = false;
  let timer: unknown = null;
  let timerAt = Infinity;
  let queuedSinceFlush = 0;
  /**
   * Ids the flusher has read from the queue and not yet settled (the batches read ahead,
   * those being sent, those whose outcome is being stored): queue eviction skips them, so
   * no event is counted both sent and dropped.
   */
  const busy = new Set<string>();

  const publish = () => deps.onState({ ...state });
  let heldCheckedAt = -Infinity;

  function flush(trigger: FlushTrigger): Promise<void> {
    if (trigger === 'manual') manual = true;
    if (trigger !== 'size') force = true;
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
        force = false;
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
    await expireHeld(settings);
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
    queuedSinceFlush = 0;
    const round: Round = { failures: retry?.failures ?? 0, limit: settings.batchSize, retry: null, stale: false, tailDueAt: null, tailLength: 0 };
    // Only sites enabled for sending (lib/sending.ts): the others' events stay queued, in
    // their place, and neither block nor reorder anyone's batches.
    const reader = readAhead(deps.store, sends, busy);
    const recorder = createRecorder(deps.store, busy, deps.onRecords);
    const out = new Set<Promise<void>>();

    while (!round.retry && !recorder.failed()) {
      if (round.stale) {
        await Promise.all(out);
        await recorder.idle();
        reader.reset();
        round.stale = false;
      }
      const batch = await nextBatch(reader, recorder, round, settings);
      if (!batch) {
        // An answer still to come may leave events to send again (400, 413).
        if (out.size) {
          await Promise.race(out);
          continue;
        }
        // Events queued (or a flush asked for) during this drain: read again rather than
        // end and start over with nothing in flight.
        if (!again) break;
        again = false;
        reader.more();
        continue;
      }
      if (batch.broken.length) recorder.add(dropped(batch.broken.map(({ record, error }) => [record, `could not be encoded for sending: ${error}`])));
      if (!batch.request) continue;
      const call = Boolean(batch.records[0]!.event.call);
      // A call waits for everything before it to be answered, and nothing overlaps it. Bulk
      // batches overlap only while the server takes full batches: after a failure or a 413
      // one request probes alone until one succeeds.
      const overlap = !call && round.failures === 0 && round.limit === settings.batchSize;
      while (out.size && (!overlap || out.size >= MAX_IN_FLIGHT)) await Promise.race(out);
      if (recorder.uncommitted() >= MAX_UNCOMMITTED) await recorder.idle().catch(() => {});
      // A site switched off meanwhile is held at once: read the head again without it.
      if (!batch.records.every((r) => sends(r.origin))) round.stale = true;
      // The answers waited for may have changed the plan: this batch is still queued, and
      // goes with the next read or the next drain.
      if (round.retry || round.stale || recorder.failed()) continue;
      const sending = send(batch, settings).then((answer) => record(batch, answer, round, recorder));
      out.add(sending);
      void sending.finally(() => out.delete(sending));
      if (call) await sending;
    }
    await Promise.all(out);
    await recorder.idle();

    if (round.retry) {
      await deps.store.setMeta(RETRY_KEY, round.retry);
      Object.assign(state, { failures: round.retry.failures, nextAttemptAt: round.retry.notBefore, lastError: round.retry.lastError });
      wakeIn(round.retry.notBefore - deps.now());
      return;
    }
    if (retry) await deps.store.setMeta(RETRY_KEY, undefined);
    Object.assign(state, { failures: 0, nextAttemptAt: undefined, lastError: undefined });
    if (round.tailDueAt !== null) {
      // A partial batch waits for more events, up to the flush interval from its oldest.
      queuedSinceFlush = round.tailLength;
      wakeIn(Math.max(0, round.tailDueAt - deps.now()));
    }
  }

  /**
   * The next batch from the head of the queue, encoded, or null when there is none to send
   * now. A partial batch (fewer than `limit`, not cut short by a call) waits until its oldest
   * event has been queued for the flush interval, unless the flush was asked for (timer,
   * alarm, start, "flush now", settings): during a burst every request carries a full batch.
   * Events past the maximum age are dropped here, with the reason.
   */
  async function nextBatch(reader: ReturnType<typeof readAhead>, recorder: ReturnType<typeof createRecorder>, round: Round, settings: Settings): Promise<EncodedBatch | null> {
    round.tailDueAt = null;
    for (;;) {
      const ahead = await reader.peek(round.limit, READ_AHEAD);
      const now = deps.now();
      // Age counts from when the extension queued the event: `capturedAt` is the event's own
      // time, which page code may backdate with options.timestamp. Expired events leave the
      // read-ahead before the batch is made, so the batch is still a full one.
      const expired = reader.discard((r) => now - r.queuedAt > maxAge);
      if (expired.length) {
        recorder.add(dropped(expired.map((r) => [r, 'older than the maximum age of 7 days; never delivered'])));
        continue;
      }
      // A call goes alone to its endpoint; plain events in bulk (see calls.ts).
      const head = takeBatch(ahead.slice(0, round.limit));
      if (head.length === 0) return null;
      // Full, cut short by a call (it cannot grow), or a call.
      const complete = head.length >= round.limit || ahead.length > head.length || Boolean(head[0]!.event.call);
      const oldest = Math.min(...head.map((r) => r.queuedAt));
      if (!complete && !force && now - oldest < settings.flushIntervalMs) {
        round.tailDueAt = oldest + settings.flushIntervalMs;
        round.tailLength = head.length;
        return null;
      }
      return encodeBatch(reader.take(head.length), settings.apiHost, settings.siteId);
    }
  }

  /** Posts one batch and classifies the answer. */
  async function send(batch: EncodedBatch, settings: Settings): Promise<{ result: HttpResult; outcome: Outcome; batchId: string }> {
    state.inFlight = true;
    publish();
    const batchId = deps.newBatchId();
    const result = await deps.transport(batch.request!, { timeoutMs: settings.requestTimeoutMs });
    return { result, outcome: classify(result, deps.now()), batchId };
  }

  /** Stores what one answer means for the batch's events, and what it means for the drain. */
  function record(batch: EncodedBatch, answer: Awaited<ReturnType<typeof send>>, round: Round, recorder: ReturnType<typeof createRecorder>) {
    const { result, outcome, batchId } = answer;
    const at = deps.now();
    const tried = batch.records.map((r) => ({ ...r, attempts: r.attempts + 1, batchId, httpStatus: result.kind === 'response' ? result.status : undefined }));
    switch (outcome.kind) {
      case 'sent': {
        round.failures = 0;
        state.lastSentAt = at;
        const sent = tried.map((r) => ({ ...r, status: 'sent' as const, sentAt: at, lastError: undefined, nextAttemptAt: undefined }));
        recorder.add({ records: sent, as: 'sent', after: () => deps.onSent?.(tried, result) });
        break;
      }
      case 'rejected': {
        // Drop what the server named; if it named none of these, the whole batch. The rest
        // are sent again at once.
        const rejected = rejectedItems(tried, outcome.invalid);
        recorder.add(dropped(rejected.map((r) => [r, `${outcome.reason}: ${outcome.invalid.get(r.id) ?? 'batch rejected'}`])));
        round.stale = true;
        break;
      }
      case 'split': {
        const split = splitAfter413(tried.length, deps.settings().batchSize);
        if (split.dropAlone) recorder.add(dropped(tried.map((r) => [r, 'HTTP 413: the event alone is too large for the server'])));
        round.limit = split.limit;
        round.stale = true;
        break;
      }
      case 'retry': {
        // Several requests out may fail together: one failure for the schedule, not one each.
        if (!round.retry) {
          const failures = round.failures + 1;
          const wait = outcome.afterMs ?? backoffDelay(failures, policy(), deps.random);
          round.retry = { failures, notBefore: at + wait, rateLimited: outcome.afterMs !== null, lastError: outcome.reason };
        }
        const { notBefore } = round.retry;
        recorder.add({ records: tried.map((r) => ({ ...r, status: 'retrying' as const, lastError: outcome.reason, nextAttemptAt: notBefore })) });
        break;
      }
    }
  }

  /** Checked at each read and before each request, so switching a site off takes effect at once. */
  function sends(origin: string): boolean {
    return maySend(deps.settings(), origin);
  }

  /**
   * Held events (no site id, or a site not enabled for sending) never reach a batch, so their
   * age is checked here: past the maximum age they are dropped, with the reason, as any other.
   */
  async function expireHeld(settings: Settings) {
    if (settings.siteId && isLoopbackHost(settings.apiHost)) return; // nothing is held
    // Ages are in days: once a minute is plenty, and spares each drain a second queue read.
    if (deps.now() - heldCheckedAt < HELD_CHECK_MS) return;
    heldCheckedAt = deps.now();
    const held = (origin: string) => !settings.siteId || !maySend(settings, origin);
    for (;;) {
      const now = deps.now();
      const oldest = await deps.store.head(settings.batchSize, held);
      const expired = oldest.filter((r) => now - r.queuedAt > maxAge);
      if (expired.length) {
        const why = settings.siteId ? 'site not enabled for sending' : 'no site id';
        const recorder = createRecorder(deps.store, busy, deps.onRecords);
        recorder.add(dropped(expired.map((r) => [r, `older than the maximum age of 7 days; never delivered (held: ${why})`])));
        await recorder.idle();
      }
      // The oldest come first: once one is young enough, the rest mostly are too.
      if (expired.length < oldest.length || oldest.length === 0) return;
    }
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
    /** The batches read ahead, in flight or being recorded (live): queue eviction must leave these to the flusher. */
    busy: busy as ReadonlySet<string>,
  };
}

/** A settlement dropping each record with its reason. */
function dropped(reasons: [HistoryRecord, string][]): Settlement {
  return { records: reasons.map(([r, reason]) => ({ ...r, status: 'dropped' as const, reason, nextAttemptAt: undefined })), as: 'dropped' };
}
