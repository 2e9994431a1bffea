import type { DeliveryStats, HistoryRecord } from '../history';
import type { HistoryPage, HistoryQuery, HistoryTally } from './history-query';

/** A change applied in one transaction: records written, ids taken off the queue, totals bumped. */
export interface StoreChange {
  /** Records as they now are; only their delivery fields (status, attempts, …) may differ from what ingest stored. */
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

/**
 * History's byte bound, next to its record cap (settings.historyLimit): 100 000 events of a
 * typical 600–1 000 bytes fit; a site that sends large properties hits this first.
 */
export const DEFAULT_MAX_HISTORY_BYTES = 128 * 1024 * 1024;

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
   * One window of the history matching `query`, newest first, with the number matching in
   * all: the viewer pages through history with it, reading only the window's records.
   */
  page(query: HistoryQuery, offset: number, limit: number): Promise<HistoryPage>;
  /** Every record matching `query`, newest first, a slice at a time (a pass over all of history). */
  scan(query: HistoryQuery, visit: (records: HistoryRecord[]) => void): Promise<void>;
  /** Counts over all of history (by status, by origin, distinct names), read from the digests. */
  tally(): Promise<HistoryTally>;
  /**
   * Forgets delivered and dropped events and resets the totals. Queued events stay, unless
   * `queue` is set: then the queue is emptied too, and those events are never sent.
   */
  clear(queue?: boolean): Promise<void>;
  /** How many events in history came from this tab (the toolbar badge). */
  countForTab(tabId: number): Promise<number>;
  /**
   * Trims delivered and dropped records, oldest first, down to `max` records and `maxBytes`
   * (eventBytes) in all. Queued records are never trimmed. Returns how many went.
   */
  trim(max: number, maxBytes?: number): Promise<number>;
  /**
   * Drops the oldest queued events until the queue is within `bound`, in one transaction:
   * each is recorded as dropped with `reason` and counted. Events in `keep` (the batch in
   * flight, whose outcome the flusher records) are skipped. Returns the dropped records.
   */
  evict(bound: QueueBound, keep: ReadonlySet<string>, reason: string): Promise<HistoryRecord[]>;
  /** Frees what the store holds in memory for viewers (none is open any more). */
  forget?(): void;
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
