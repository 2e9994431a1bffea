import type { DeliveryStats, HistoryRecord } from '../history';

/** A change applied in one transaction: records written, ids taken off the queue, totals bumped. */
export interface StoreChange {
  put: HistoryRecord[];
  dequeue: string[];
  count?: Partial<Omit<DeliveryStats, 'queued'>>;
}

/**
 * How much the queue may hold before the oldest events are dropped.
 *
 * @example { maxEvents: 10_000, maxBytes: 20 * 1024 * 1024 }
 */
export interface QueueBound {
  maxEvents: number;
  /** Counted as the length of each event's JSON: close to the bytes sent, cheap to get. */
  maxBytes: number;
}

export const DEFAULT_MAX_QUEUE_BYTES = 20 * 1024 * 1024;

/** The size an event counts for against QueueBound.maxBytes. */
export const eventBytes = (record: HistoryRecord): number => JSON.stringify(record.event).length;

/**
 * The worker's durable state: the delivery queue (ids in send order), the history the
 * viewer shows (one record per event, queued ones included), running totals and small
 * metadata such as the retry schedule. Implemented over IndexedDB and in memory.
 */
export interface WorkerStore {
  /**
   * Queues new events and records them in history, in one transaction. Events whose id is
   * already known are skipped, so a re-sent event is never queued twice. Returns the new ones.
   * Server records (isServerRecord) go into history only: not queued, not counted as captured.
   */
  ingest(records: HistoryRecord[]): Promise<HistoryRecord[]>;
  /**
   * The first `limit` queued events, oldest first; with `accept`, only those of origins it
   * accepts (the rest stay queued where they are: a held site neither blocks nor loses place).
   */
  head(limit: number, accept?: (origin: string) => boolean): Promise<HistoryRecord[]>;
  apply(change: StoreChange): Promise<void>;
  stats(): Promise<DeliveryStats>;
  /** Newest first. */
  recent(limit: number): Promise<HistoryRecord[]>;
  /**
   * Forgets delivered and dropped events and resets the totals. Queued events stay, unless
   * `queue` is set: then the queue is emptied too, and those events are never sent.
   */
  clear(queue?: boolean): Promise<void>;
  /** How many events in history came from this tab (the toolbar badge). */
  countForTab(tabId: number): Promise<number>;
  /** Trims delivered and dropped records, oldest first, down to `max` records in all. */
  trim(max: number): Promise<number>;
  /**
   * Drops the oldest queued events until the queue is within `bound`, in one transaction:
   * each is recorded as dropped with `reason` and counted. Events in `keep` (the batch in
   * flight, whose outcome the flusher records) are skipped. Returns the dropped records.
   */
  evict(bound: QueueBound, keep: ReadonlySet<string>, reason: string): Promise<HistoryRecord[]>;
  /** Why durability is reduced (IndexedDB failed and events are held in memory), if it is. */
  degraded?(): string | undefined;
  getMeta<T>(key: string): Promise<T | undefined>;
  setMeta(key: string, value: unknown): Promise<void>;
}

export function addCounts(stats: DeliveryStats, count: StoreChange['count'] = {}): DeliveryStats {
  return {
    ...stats,
    captured: stats.captured + (count.captured ?? 0),
    sent: stats.sent + (count.sent ?? 0),
    dropped: stats.dropped + (count.dropped ?? 0),
  };
}

export const isSettled = (record: HistoryRecord) => record.status === 'sent' || record.status === 'dropped';

/** A record of the collector's stream (history.ts, `source`): kept in history, never queued, never sent. */
export const isServerRecord = (record: HistoryRecord) => record.source === 'server';
