import type { IDBPDatabase, IDBPTransaction, StoreNames } from 'idb';
import { EMPTY_STATS, type DeliveryStats } from '../history';
import { META, quietly, type ChunkDB, type QueueEntry } from './chunk-schema';
import { addCounts, type StoreChange } from './store';

/**
 * The chunk store's small state, held in memory: every queue entry (the queued events' ids,
 * sizes and origins, about 100 bytes an event) and the meta counters (totals, per-tab
 * counts, queued bytes, the newest chunk, history's count and bytes).
 *
 * Why: every write transaction used to read these first, and IndexedDB runs transactions
 * over the same stores one at a time, each read a round trip to the browser process that
 * every other transaction waits behind. Measured during a 10 000-event burst (CDP timings
 * of each store call, `lib/bench/delivery-only.ts`): the store was busy 3.9 s of 3.9 s, an
 * ingest of 2 000 events made ~45 requests one after another, a settling write ~10, and the
 * bound check, badge count and trim check after each ingest were three more transactions.
 * The worker is the only writer of its database, so what it wrote last is what is there.
 *
 * Consistency: the mirror is changed only by a write transaction while it runs (`within`
 * waits for one of its requests to answer, which IndexedDB does only after every transaction
 * made before it has committed) and each change is written in that transaction too. So
 * changes reach the mirror in commit order. A transaction that fails drops the mirror; the
 * next user reads it again from what was committed. Readers outside a transaction (`now`)
 * see the newest state, including a running transaction's.
 */
export interface Mirror {
  entries: Map<string, QueueEntry>;
  stats: DeliveryStats;
  tabs: Record<number, number>;
  queueBytes: number;
  newest: { key: string; seq: number } | undefined;
  history: { count: number; bytes: number };
}

type MirrorTx = IDBPTransaction<ChunkDB, StoreNames<ChunkDB>[], 'readonly' | 'readwrite' | 'versionchange'>;
type WriteTx = IDBPTransaction<ChunkDB, StoreNames<ChunkDB>[], 'readwrite' | 'versionchange'>;

async function readMirror(tx: MirrorTx): Promise<Mirror> {
  const meta = tx.objectStore('meta');
  const [entries, stats, tabs, queueBytes, newest, history] = await Promise.all([
    tx.objectStore('queue').getAll(),
    meta.get(META.stats),
    meta.get(META.tabs),
    meta.get(META.queueBytes),
    meta.get(META.newest),
    meta.get(META.history),
  ]);
  return {
    entries: new Map(entries.map((e) => [e.key, e])),
    stats: (stats as DeliveryStats | undefined) ?? EMPTY_STATS,
    tabs: { ...(tabs as Record<number, number> | undefined) },
    queueBytes: (queueBytes as number | undefined) ?? 0,
    newest: newest as Mirror['newest'],
    history: { count: 0, bytes: 0, ...(history as Mirror['history'] | undefined) },
  };
}

export function createMirror(dbPromise: Promise<IDBPDatabase<ChunkDB>>) {
  let mirror: Mirror | null = null;
  let loading: Promise<void> | null = null;

  /**
   * The state as a just-made `tx` over queue and meta finds it: after every write made
   * before it, and before any made after it (any request will do: its answer comes only once
   * every earlier transaction committed). What head() hands out must come from here: read
   * any earlier, the queue could still hold events a settle queued meanwhile takes off,
   * which the flusher would no longer know to be in flight, and send again.
   */
  async function seen(tx: MirrorTx): Promise<Mirror> {
    await tx.objectStore('meta').get(META.newest);
    return (mirror ??= await readMirror(tx));
  }

  return {
    /** The state now, for reads outside a transaction (read once from IndexedDB if not held). */
    async now(): Promise<Mirror> {
      while (!mirror) {
        loading ??= (async () => {
          const read = await readMirror((await dbPromise).transaction(['queue', 'meta']));
          mirror ??= read;
        })().finally(() => (loading = null));
        await loading;
      }
      return mirror;
    },
    /** The state as `tx` (a write transaction, just made) finds it; resolves once `tx` runs. A failed `tx` drops it. */
    within(tx: WriteTx): Promise<Mirror> {
      tx.done.catch(() => (mirror = null));
      return seen(tx);
    },
    seen,
    /** Puts or deletes a queue entry (an entry with no ids is deleted). */
    setEntry(tx: WriteTx, m: Mirror, key: string, entry: QueueEntry | null) {
      if (entry?.ids.length) {
        m.entries.set(key, entry);
        quietly(tx.objectStore('queue').put(entry));
      } else if (m.entries.delete(key)) {
        quietly(tx.objectStore('queue').delete(key));
      }
    },
    /** Adds to the totals, per-tab counts and queued bytes. */
    bump(tx: WriteTx, m: Mirror, count: StoreChange['count'] = {}, tabs: Record<number, number> = {}, queueBytes = 0) {
      const meta = tx.objectStore('meta');
      if (Object.values(count).some(Boolean)) {
        m.stats = addCounts(m.stats, count);
        quietly(meta.put(m.stats, META.stats));
      }
      if (queueBytes) {
        m.queueBytes = Math.max(0, m.queueBytes + queueBytes);
        quietly(meta.put(m.queueBytes, META.queueBytes));
      }
      if (Object.keys(tabs).length) {
        for (const [tab, n] of Object.entries(tabs)) m.tabs[Number(tab)] = Math.max(0, (m.tabs[Number(tab)] ?? 0) + n);
        quietly(meta.put({ ...m.tabs }, META.tabs));
      }
    },
    /** Sets one of the values the store keeps in meta (stats, tabs, queued bytes, newest, history). */
    set<K extends 'stats' | 'tabs' | 'queueBytes' | 'newest' | 'history'>(tx: WriteTx, m: Mirror, key: K, value: Mirror[K]) {
      m[key] = value;
      quietly(tx.objectStore('meta').put(value, META[key]));
    },
    /** Forgets the mirror (the next user reads it again). */
    drop() {
      mirror = null;
    },
  };
}

/** Events queued in all. */
export const queuedCount = (m: Mirror) => {
  let n = 0;
  for (const entry of m.entries.values()) n += entry.ids.length;
  return n;
};
