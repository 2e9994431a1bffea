import type { HistoryRecord } from '../history';
import type { StoreChange, WorkerStore } from './store';

/** One batch's outcome to store: its records as they now are, and whether they leave the queue. */
export interface Settlement {
  records: HistoryRecord[];
  /** Sent or dropped: off the queue and counted. Absent: still queued (retrying). */
  as?: 'sent' | 'dropped';
  /** Runs once the outcome is committed. */
  after?: () => void;
}

/**
 * Writes batch outcomes, several in one transaction: outcomes that come in while one write
 * is running are written together by the next. A transaction costs more than the records it
 * writes (each is a round trip to the browser process), so with several requests in flight
 * this keeps the writes from becoming the bottleneck. Each record's id leaves `busy` once
 * its outcome is committed. A failed write stops the recorder: what it held stays queued in
 * the store and is sent again later (a duplicate at worst, which the server drops by id).
 */
export function createRecorder(store: WorkerStore, busy: Set<string>, onRecords: (records: HistoryRecord[]) => void) {
  let pending: Settlement[] = [];
  let writing: Promise<void> | null = null;
  let failure: unknown = null;
  let inWrite = 0;

  async function writeAll() {
    while (pending.length && failure === null) {
      const batch = pending;
      pending = [];
      inWrite = batch.length;
      try {
        await store.apply(merge(batch));
      } catch (error) {
        failure = error;
        pending = [];
        return;
      } finally {
        inWrite = 0;
      }
      const records = batch.flatMap((s) => s.records);
      for (const record of records) busy.delete(record.id);
      onRecords(records);
      for (const settlement of batch) settlement.after?.();
    }
  }

  return {
    add(settlement: Settlement) {
      if (failure !== null || !settlement.records.length) return;
      pending.push(settlement);
      writing ??= writeAll().finally(() => (writing = null));
    },
    /** Outcomes taken and not yet committed (each a batch that would go again if the worker stopped now). */
    uncommitted: () => pending.length + inWrite,
    /** A write failed: nothing more is taken. */
    failed: () => failure !== null,
    /** Resolves when everything added is committed; rejects with the store's error if a write failed. */
    async idle() {
      while (writing) await writing;
      if (failure !== null) throw failure;
    },
  };
}

function merge(batch: Settlement[]): StoreChange {
  const change: StoreChange = { put: [], dequeue: [] };
  const count: NonNullable<StoreChange['count']> = {};
  for (const { records, as } of batch) {
    change.put.push(...records);
    if (!as) continue;
    change.dequeue.push(...records.map((r) => r.id));
    count[as] = (count[as] ?? 0) + records.length;
  }
  return Object.keys(count).length ? { ...change, count } : change;
}
