import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { EMPTY_STATS, type DeliveryStats, type HistoryRecord } from '../history';
import { addCounts, isSettled, type WorkerStore } from './store';

interface WorkerDB extends DBSchema {
  /** Key: event id (UUID v7, so key order is send order). */
  queue: { key: string; value: { id: string; origin: string } };
  history: { key: string; value: HistoryRecord; indexes: { tabId: number } };
  meta: { key: string; value: unknown };
}

const STATS = 'stats';

/** The only place that knows the worker's IndexedDB schema and its upgrades. */
export function openWorkerDb(name = 'trodo-worker'): Promise<IDBPDatabase<WorkerDB>> {
  return openDB<WorkerDB>(name, 2, {
    upgrade(db, oldVersion, _newVersion, tx) {
      if (oldVersion < 1) {
        db.createObjectStore('queue', { keyPath: 'id' });
        db.createObjectStore('history', { keyPath: 'id' });
        db.createObjectStore('meta');
      }
      // v2: per-tab counts for the toolbar badge. Records without a tab are not indexed.
      if (oldVersion < 2) tx.objectStore('history').createIndex('tabId', 'tabId');
    },
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
      const unique = [...new Map(records.map((r) => [r.id, r])).values()];
      const known = await Promise.all(unique.map((r) => history.getKey(r.id)));
      const fresh = unique.filter((_, i) => known[i] === undefined);
      for (const record of fresh) {
        void tx.objectStore('queue').put({ id: record.id, origin: record.origin });
        void history.put(record);
      }
      if (fresh.length) await bumpStats(tx.objectStore('meta'), { captured: fresh.length });
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
      for (const record of change.put) void tx.objectStore('history').put(record);
      for (const id of change.dequeue) void tx.objectStore('queue').delete(id);
      if (change.count) await bumpStats(tx.objectStore('meta'), change.count);
      await tx.done;
    },

    async stats() {
      const tx = (await dbPromise).transaction(['queue', 'meta']);
      const [stats, queued] = await Promise.all([tx.objectStore('meta').get(STATS), tx.objectStore('queue').count()]);
      return { ...((stats as DeliveryStats | undefined) ?? EMPTY_STATS), queued };
    },

    async recent(limit) {
      // One getAll is far cheaper than a cursor step per record (each step is a round trip
      // to the browser process); history is capped, so reading it whole is bounded.
      if (limit <= 0) return [];
      const all = await (await dbPromise).getAll('history');
      return all.slice(-limit).reverse();
    },

    async clear(queue = false) {
      const tx = (await dbPromise).transaction(['queue', 'history', 'meta'], 'readwrite');
      if (queue) {
        void tx.objectStore('queue').clear();
        void tx.objectStore('history').clear();
      }
      for (let cursor = queue ? null : await tx.objectStore('history').openCursor(); cursor; cursor = await cursor.continue()) {
        if (isSettled(cursor.value)) void cursor.delete();
      }
      void tx.objectStore('meta').put(EMPTY_STATS, STATS);
      await tx.done;
    },

    async countForTab(tabId) {
      return (await dbPromise).countFromIndex('history', 'tabId', tabId);
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
