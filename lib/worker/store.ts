import type { DeliveryStats, HistoryRecord } from '../history';

/** A change applied in one transaction: records written, ids taken off the queue, totals bumped. */
export interface StoreChange {
  put: HistoryRecord[];
  dequeue: string[];
  count?: Partial<Omit<DeliveryStats, 'queued'>>;
}

/**
 * The worker's durable state: the delivery queue (ids in send order), the history the
 * viewer shows (one record per event, queued ones included), running totals and small
 * metadata such as the retry schedule. Implemented over IndexedDB and in memory.
 */
export interface WorkerStore {
  /**
   * Queues new events and records them in history, in one transaction. Events whose id is
   * already known are skipped, so a re-sent event is never queued twice. Returns the new ones.
   */
  ingest(records: HistoryRecord[]): Promise<HistoryRecord[]>;
  /** The first `limit` queued events, oldest first. */
  head(limit: number): Promise<HistoryRecord[]>;
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
