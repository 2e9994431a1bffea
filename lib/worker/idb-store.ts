import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { EMPTY_STATS, type DeliveryStats, type HistoryRecord } from '../history';
import { addCounts, eventBytes, isSettled, type WorkerStore } from './store';

interface WorkerDB extends DBSchema {
  /** Key: event id (UUID v7, so key order is send order). */
  /** `bytes` is absent on entries written before the queue was bounded; they count as 0. */
  queue: { key: string; value: { id: string; origin: string; bytes?: number } };
  history: { key: string; value: HistoryRecord };
  meta: { key: string; value: unknown };
}

const STATS = 'stats';
/** Running total of the queued events' bytes, kept with every queue write so a bound check need not scan. */
const QUEUE_BYTES = 'queueBytes';

/** The only place that knows the worker's IndexedDB schema and its upgrades. */
export function openWorkerDb(name = 'trodo-worker'): Promise<IDBPDatabase<WorkerDB>> {
  return new Promise((resolve, reject) => {
    openDB<WorkerDB>(name, 1, {
      upgrade(db, oldVersion) {
        if (oldVersion < 1) {
          db.createObjectStore('queue', { keyPath: 'id' });
          db.createObjectStore('history', { keyPath: 'id' });
          db.createObjectStore('meta');
        }
      },
      // A blocked upgrade would leave every call waiting (and nothing acknowledged):
      // fail instead, so the store falls back to memory and the popup says so.
      blocked: () => reject(new Error('IndexedDB upgrade blocked by another open connection')),
    }).then(resolve, reject);
  });
}

/**
 * WorkerStore over IndexedDB. Each method is one transaction, and nothing but IndexedDB
 * requests is awaited inside one: a transaction with nothing pending commits itself.
 */
export function idbWorkerStore(dbPromise: Promise<IDBPDatabase<WorkerDB>>): WorkerStore {
  return {
    async ingest(records) {
      const tx = (await dbPromise).transaction(['queue', 'history', 'meta'], 'readwrite');
      const history = tx.objectStore('history');
      const known = await Promise.all(records.map((r) => history.getKey(r.id)));
      const fresh = records.filter((_, i) => known[i] === undefined);
      let bytes = 0;
      for (const record of fresh) {
        const size = eventBytes(record);
        bytes += size;
        void tx.objectStore('queue').put({ id: record.id, origin: record.origin, bytes: size });
        void history.put(record);
      }
      if (fresh.length) {
        await bumpStats(tx.objectStore('meta'), { captured: fresh.length });
        await bumpQueueBytes(tx.objectStore('meta'), bytes);
      }
      await tx.done;
      return fresh;
    },

    async head(limit) {
      const tx = (await dbPromise).transaction(['queue', 'history']);
      const ids = await tx.objectStore('queue').getAllKeys(undefined, limit);
      const records = await Promise.all(ids.map((id) => tx.objectStore('history').get(id)));
      await tx.done;
      return records.filter((r): r is HistoryRecord => r !== undefined);
    },

    async apply(change) {
      const tx = (await dbPromise).transaction(['queue', 'history', 'meta'], 'readwrite');
      const queue = tx.objectStore('queue');
      for (const record of change.put) void tx.objectStore('history').put(record);
      const leaving = await Promise.all(change.dequeue.map((id) => queue.get(id)));
      for (const id of change.dequeue) void queue.delete(id);
      if (change.count) await bumpStats(tx.objectStore('meta'), change.count);
      const bytes = leaving.reduce((sum, entry) => sum + (entry?.bytes ?? 0), 0);
      if (bytes) await bumpQueueBytes(tx.objectStore('meta'), -bytes);
      await tx.done;
    },

    async evict(bound, keep, reason) {
      const tx = (await dbPromise).transaction(['queue', 'history', 'meta'], 'readwrite');
      const meta = tx.objectStore('meta');
      let count = await tx.objectStore('queue').count();
      let bytes = ((await meta.get(QUEUE_BYTES)) as number | undefined) ?? 0;
      const dropped: HistoryRecord[] = [];
      const over = () => count > bound.maxEvents || bytes > bound.maxBytes;
      for (let cursor = over() ? await tx.objectStore('queue').openCursor() : null; cursor && over(); cursor = await cursor.continue()) {
        if (keep.has(cursor.value.id)) continue;
        const record = await tx.objectStore('history').get(cursor.value.id);
        void cursor.delete();
        count--;
        bytes -= cursor.value.bytes ?? 0;
        if (!record) continue;
        const next: HistoryRecord = { ...record, status: 'dropped', reason, nextAttemptAt: undefined };
        void tx.objectStore('history').put(next);
        dropped.push(next);
      }
      if (dropped.length) {
        void meta.put(Math.max(0, bytes), QUEUE_BYTES);
        await bumpStats(meta, { dropped: dropped.length });
      }
      await tx.done;
      return dropped;
    },

    async stats() {
      const tx = (await dbPromise).transaction(['queue', 'meta']);
      const [stats, queued] = await Promise.all([tx.objectStore('meta').get(STATS), tx.objectStore('queue').count()]);
      return { ...((stats as DeliveryStats | undefined) ?? EMPTY_STATS), queued };
    },

    async recent(limit) {
      const tx = (await dbPromise).transaction('history');
      const out: HistoryRecord[] = [];
      for (let cursor = await tx.store.openCursor(null, 'prev'); cursor && out.length < limit; cursor = await cursor.continue()) {
        out.push(cursor.value);
      }
      await tx.done;
      return out;
    },

    async clear() {
      const tx = (await dbPromise).transaction(['queue', 'history', 'meta'], 'readwrite');
      for (let cursor = await tx.objectStore('history').openCursor(); cursor; cursor = await cursor.continue()) {
        if (isSettled(cursor.value)) void cursor.delete();
      }
      void tx.objectStore('meta').put(EMPTY_STATS, STATS);
      await tx.done;
    },

    async trim(max) {
      const tx = (await dbPromise).transaction('history', 'readwrite');
      let excess = (await tx.store.count()) - max;
      let removed = 0;
      for (let cursor = await tx.store.openCursor(); cursor && excess > 0; cursor = await cursor.continue()) {
        if (!isSettled(cursor.value)) continue;
        void cursor.delete();
        excess--;
        removed++;
      }
      await tx.done;
      return removed;
    },

    async getMeta<T>(key: string) {
      return (await (await dbPromise).get('meta', key)) as T | undefined;
    },

    async setMeta(key, value) {
      await (await dbPromise).put('meta', value, key);
    },
  };
}

async function bumpStats(meta: { get(key: string): Promise<unknown>; put(value: unknown, key: string): Promise<unknown> }, count: Parameters<typeof addCounts>[1]) {
  const current = ((await meta.get(STATS)) as DeliveryStats | undefined) ?? EMPTY_STATS;
  void meta.put(addCounts(current, count), STATS);
}

async function bumpQueueBytes(meta: { get(key: string): Promise<unknown>; put(value: unknown, key: string): Promise<unknown> }, delta: number) {
  const current = ((await meta.get(QUEUE_BYTES)) as number | undefined) ?? 0;
  void meta.put(Math.max(0, current + delta), QUEUE_BYTES);
}
