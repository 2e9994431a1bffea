import { backoffDelay, type BackoffPolicy } from '../delivery/backoff';
import { rejectedItems, splitAfter413, takeBatch } from '../delivery/batch';
import { classify } from '../delivery/classify';
import type { HttpResult, Transport } from '../delivery/transport';
import { requestFor } from '../wire/calls';
import type { ItemOutcome, QueueItem, memoryQueue } from './queue';

/**
 * Bulk requests of plain events out at once when batching. Two keep the connection busy while
 * the next batch is encoded (100 000 events to the local collector: see the README's bench);
 * events of overlapping batches may reach the server out of order, calls never do.
 */
const MAX_IN_FLIGHT = 2;

export interface SenderDeps {
  queue: ReturnType<typeof memoryQueue>;
  transport: Transport;
  apiHost: string;
  siteId: string;
  /** Largest batch; 1 when unbatched (each event alone to /api/events). */
  batchSize: number;
  batched: boolean;
  timeoutMs: number;
  backoff: BackoffPolicy;
  now: () => number;
  random: () => number;
  /** A timer that does not keep the process alive (background retries). */
  later: (task: () => void, ms: number) => { cancel(): void };
  /** A wait that does (someone awaits flush()). */
  sleep: (ms: number) => Promise<void>;
  /** Items that ended, for the totals and `onError`. */
  onSettled: (items: QueueItem[], outcome: ItemOutcome) => void;
  /** A batch was delivered, with the answer (identify's carries the distinct id). */
  onSent: (items: QueueItem[], result: HttpResult) => void;
}

/**
 * Sends the memory queue with the shared delivery core: batches in order, a call alone with
 * nothing else in flight (so a user's session record reaches Trodo before the user's events), classified
 * answers, 413 split, retries with full-jitter backoff or the server's Retry-After.
 * In the background a retry waits on an unref'd timer; under `flush(deadline)` it waits
 * in line while the wait ends before the deadline.
 */
export function createSender(deps: SenderDeps) {
  let running: Promise<void> | null = null;
  /** Items in requests not yet answered. */
  let inFlight = 0;
  const maxInFlight = deps.batched ? MAX_IN_FLIGHT : 1;
  let failures = 0;
  let notBefore = 0;
  let wake: { cancel(): void } | null = null;
  /** The latest deadline of the flushes waiting on this drain; 0 when none is. */
  let deadline = 0;
  let flushing = 0;
  let limit = deps.batchSize;

  function schedule(ms: number) {
    wake?.cancel();
    wake = deps.later(() => {
      wake = null;
      void run();
    }, ms);
  }

  function run(): Promise<void> {
    running ??= drain().finally(() => {
      running = null;
      // Items queued between the drain's last look at the queue and here found it running
      // (their kick did nothing): start again unless a retry wait is scheduled.
      if (deps.queue.length && !wake) kick();
    });
    return running;
  }

  function kick(): void {
    if (running) return;
    const wait = notBefore - deps.now();
    if (wait > 0) schedule(wait);
    else void run();
  }

  async function drain(): Promise<void> {
    const out = new Set<Promise<void>>();
    while (deps.queue.length || out.size) {
      const [head] = deps.queue.peek(1);
      // A call goes alone, with nothing else out (a session record before its user's events);
      // bulk batches of plain events may overlap, up to maxInFlight.
      if (!head || out.size >= maxInFlight || (out.size && (head.event.call || notBefore > deps.now()))) {
        await Promise.race(out);
        continue;
      }
      const wait = notBefore - deps.now();
      if (wait > 0) {
        if (deps.now() + wait > deadline) return schedule(wait);
        await deps.sleep(wait);
        continue;
      }
      const batch = takeBatch(deps.queue.peek(limit));
      deps.queue.take(batch.length);
      const sending = send(batch);
      if (head.event.call || maxInFlight === 1) {
        await sending;
        continue;
      }
      const tracked: Promise<void> = sending.finally(() => out.delete(tracked));
      out.add(tracked);
    }
  }

  async function send(batch: QueueItem[]): Promise<void> {
    let request;
    try {
      request = requestFor(deps.apiHost, deps.siteId, batch.map((i) => i.event), !deps.batched);
    } catch (error) {
      // Not expected (events are checked when tracked), but never a rejection out of here.
      deps.onSettled(batch, { kind: 'failed', reason: `could not be encoded: ${String(error)}` });
      return;
    }
    inFlight += batch.length;
    const result = await deps.transport(request, { timeoutMs: deps.timeoutMs });
    inFlight -= batch.length;
    const outcome = classify(result, deps.now(), { retryClientErrors: false });
    switch (outcome.kind) {
      case 'sent':
        // Not notBefore: a Retry-After another batch got still holds.
        failures = 0;
        deps.onSettled(batch, { kind: 'sent' });
        deps.onSent(batch, result);
        break;
      case 'rejected': {
        const refused = rejectedItems(batch, outcome.invalid);
        deps.queue.putBack(batch.filter((i) => !refused.includes(i)));
        deps.onSettled(refused, { kind: 'failed', reason: `${outcome.reason}${refused.length === 1 ? `: ${outcome.invalid.get(refused[0]!.id) ?? 'rejected'}` : ''}` });
        break;
      }
      case 'split': {
        const split = splitAfter413(batch.length, deps.batchSize);
        if (split.dropAlone) deps.onSettled(batch, { kind: 'failed', reason: 'HTTP 413: the event alone is too large for the server' });
        else deps.queue.putBack(batch);
        limit = split.limit;
        break;
      }
      case 'retry': {
        failures++;
        const ms = outcome.afterMs ?? backoffDelay(failures, deps.backoff, deps.random);
        notBefore = Math.max(notBefore, deps.now() + ms);
        deps.queue.putBack(batch);
        deps.onSettled(batch, { kind: 'retrying', reason: outcome.reason });
        break;
      }
    }
    // Back to full batches once a split run got through.
    if (outcome.kind === 'sent' && limit < deps.batchSize && deps.queue.length === 0) limit = deps.batchSize;
  }

  return {
    /** Start sending now (unless a retry wait is running: then when it ends). */
    kick,
    /**
     * Sends until the queue is empty, or until what is left could only be tried after
     * `until` (epoch ms). Resolves after the request in flight has been answered.
     */
    async flush(until: number): Promise<void> {
      deadline = Math.max(deadline, until);
      flushing++;
      try {
        // A drain started before this flush may have given up on an earlier deadline.
        while (deps.queue.length || running) {
          await run();
          if (deps.queue.length && notBefore > deadline) break;
          if (deps.queue.length && deps.now() >= deadline) break;
        }
      } finally {
        if (--flushing === 0) deadline = 0;
      }
    },
    get inFlight(): number {
      return inFlight;
    },
    stop(): void {
      wake?.cancel();
      wake = null;
    },
  };
}
