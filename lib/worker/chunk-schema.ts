import { openDB, type DBSchema, type IDBPDatabase, type IDBPTransaction, type StoreNames } from 'idb';
import type { HistoryRecord } from '../history';
import type { QueuedItem } from './eviction';
import { digestOf, type Digest } from './history-query';
import { eventBytes } from './store';

/**
 * The worker's IndexedDB schema and its upgrades (the layout is explained in chunk-store.ts).
 * Only the chunk store and its in-memory mirror (store-mirror.ts) use these types.
 */
/**
 * A record as a chunk stores it: the event as its JSON text (since v5; older chunks hold the
 * object). Structured clone copies a string in one piece, where an event object costs a step
 * per property: writing a burst's chunks was most of the worker's own time in a 10 000-event
 * burst (CDP profile of the worker), and the text is made anyway to measure the event.
 */
export type StoredRecord = Omit<HistoryRecord, 'event'> & { event: HistoryRecord['event'] | string };

export interface Chunk {
  key: string;
  ids: string[];
  records: StoredRecord[];
}

/** A chunk with its records as they now are (`recordsOf`), as the store changes it. */
export interface OpenChunk {
  key: string;
  ids: string[];
  records: HistoryRecord[];
}

export interface QueueEntry {
  key: string;
  ids: string[];
  /** Each queued event's size (eventBytes), parallel to `ids`, for the queue's byte bound. */
  sizes: number[];
  /** Each queued event's page origin, parallel to `ids`, so the bound can charge the site that floods (absent in older data: ''). */
  origins?: string[];
  /** Arrival order of the entry's chunk (absent in older data: the oldest). */
  seq?: number;
}

/** What delivery changes in a record: everything else is written once, at ingest. */
export type Delivery = Pick<HistoryRecord, 'status' | 'attempts' | 'httpStatus' | 'lastError' | 'nextAttemptAt' | 'sentAt' | 'batchId' | 'reason'>;

/**
 * The delivery fields of a chunk's records that changed since the chunk was written, by id
 * (v5). A settling write puts this, a few kB, instead of the chunk's records (~100 kB); the
 * next rewrite of the chunk (a top-up, a trim) folds them into its records.
 */
export interface ChunkStates {
  key: string;
  states: Record<string, Delivery>;
}

export interface ChunkDB extends DBSchema {
  chunks: { key: string; value: Chunk; indexes: { ids: string } };
  queue: { key: string; value: QueueEntry };
  meta: { key: string; value: unknown };
  digests: { key: string; value: Digest };
  states: { key: string; value: ChunkStates };
}

/** Every store: what a write transaction spans. */
export const STORES = ['chunks', 'queue', 'meta', 'digests', 'states'] as const;

export function deliveryOf(r: HistoryRecord): Delivery {
  return { status: r.status, attempts: r.attempts, httpStatus: r.httpStatus, lastError: r.lastError, nextAttemptAt: r.nextAttemptAt, sentAt: r.sentAt, batchId: r.batchId, reason: r.reason };
}

/** A chunk's records as they now are: as written, with their changed delivery fields over them. */
export function recordsOf(chunk: Chunk | undefined, states: ChunkStates | undefined): HistoryRecord[] {
  if (!chunk) return [];
  return chunk.records.map((stored) => {
    const r = typeof stored.event === 'string' ? { ...stored, event: JSON.parse(stored.event) as HistoryRecord['event'] } : (stored as HistoryRecord);
    const changed = states?.states[r.id];
    return changed ? { ...r, ...changed } : r;
  });
}

/** A chunk as it is stored; `texts` holds events' JSON already made, by id. */
export function storedChunk(chunk: OpenChunk, texts?: ReadonlyMap<string, string>): Chunk {
  return { key: chunk.key, ids: chunk.ids, records: chunk.records.map((r) => ({ ...r, event: texts?.get(r.id) ?? JSON.stringify(r.event) })) };
}

export type Tx = IDBPTransaction<ChunkDB, StoreNames<ChunkDB>[], 'readwrite' | 'versionchange'>;

/** Meta keys the chunk store keeps itself (other keys are the worker's: getMeta / setMeta). */
export const META = {
  stats: 'stats',
  tabs: 'tabCounts',
  /** Running total of the queued events' sizes, so a bound check need not read them. */
  queueBytes: 'queueBytes',
  /** The newest chunk's key and arrival number: the one later ingests top up. */
  newest: 'newestChunk',
  /** How many records history holds and their eventBytes: the trim's check, without reading. */
  history: 'history',
} as const;

/** Records a chunk holds at most; the newest chunk is topped up by later ingests until full. */
export const CHUNK_SIZE = 100;

/** The only place that knows the worker's IndexedDB schema and its upgrades. */
export function openWorkerDb(name = 'trodo-worker'): Promise<IDBPDatabase<ChunkDB>> {
  return openDB<ChunkDB>(name, 5, {
    async upgrade(db, oldVersion, _newVersion, tx) {
      if (oldVersion >= 3) {
        // v4 had no states: its chunks' records hold their delivery fields, as v5's do until settled.
        db.createObjectStore('states', { keyPath: 'key' });
        if (oldVersion > 3) return;
        // v3 had no digests: one is made for each chunk.
        const digests = db.createObjectStore('digests', { keyPath: 'key' });
        const held = { count: 0, bytes: 0 };
        for (const chunk of await tx.objectStore('chunks').getAll()) {
          const digest = digestOf(chunk.key, recordsOf(chunk, undefined));
          void digests.put(digest);
          held.count += digest.n;
          held.bytes += sum([...digest.bytes]);
        }
        void tx.objectStore('meta').put(held, META.history);
        return;
      }
      // v1–v2 kept one record per event in `history` and the queued ids in `queue`.
      const old = oldVersion > 0 ? await readPerEventLayout(tx as unknown as IDBPTransaction<unknown, string[], 'versionchange'>) : null;
      for (const store of [...db.objectStoreNames]) db.deleteObjectStore(store);
      const chunks = db.createObjectStore('chunks', { keyPath: 'key' });
      chunks.createIndex('ids', 'ids', { multiEntry: true, unique: true });
      db.createObjectStore('queue', { keyPath: 'key' });
      db.createObjectStore('meta');
      db.createObjectStore('digests', { keyPath: 'key' });
      db.createObjectStore('states', { keyPath: 'key' });
      if (old) await writeChunk(tx as unknown as Tx, old.history, new Set(old.queued), old.meta);
    },
  });
}

async function readPerEventLayout(tx: IDBPTransaction<unknown, string[], 'versionchange'>) {
  const stores = [...tx.objectStoreNames];
  if (!stores.includes('history') || !stores.includes('queue')) return null;
  const history = (await tx.objectStore('history').getAll()) as HistoryRecord[];
  const queued = (await tx.objectStore('queue').getAllKeys()) as string[];
  const meta = stores.includes('meta') ? new Map(await Promise.all(['stats', 'retry'].map(async (k) => [k, await tx.objectStore('meta').get(k)] as const))) : new Map();
  return { history, queued, meta };
}

async function writeChunk(tx: Tx, records: HistoryRecord[], queued: Set<string>, meta: Map<string, unknown>) {
  if (records.length) {
    const sorted = [...records].sort(byId);
    const key = sorted[0]!.id;
    const chunk = { key, ids: sorted.map((r) => r.id), records: sorted };
    void tx.objectStore('chunks').put(chunk);
    const digest = digestOf(key, sorted);
    void tx.objectStore('digests').put(digest);
    void tx.objectStore('meta').put({ count: sorted.length, bytes: sum([...digest.bytes]) }, META.history);
    const waiting = sorted.filter((r) => queued.has(r.id));
    if (waiting.length) {
      void tx.objectStore('queue').put(queueEntry(key, waiting.map(queuedItem)));
      void tx.objectStore('meta').put(sum(waiting.map(eventBytes)), META.queueBytes);
    }
  }
  for (const [key, value] of meta) if (value !== undefined) void tx.objectStore('meta').put(value, key);
}

/**
 * For a write made without waiting for it: its failure fails its transaction, which the
 * caller hears of from `tx.done`, so the request's own rejection is not left unhandled.
 */
export const quietly = (request: Promise<unknown>): void => void request.catch(() => {});

export function byId(a: { id: string }, b: { id: string }): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export const queuedItem = (record: HistoryRecord): QueuedItem => ({ id: record.id, size: eventBytes(record), origin: record.origin });

/** A queue entry's events, with their sizes and origins. */
export function itemsOf(entry: QueueEntry | undefined): QueuedItem[] {
  return entry?.ids.map((id, i) => ({ id, size: entry.sizes[i] ?? 0, origin: entry.origins?.[i] ?? '' })) ?? [];
}

/** A queue entry holding `items` in id order. */
export function queueEntry(key: string, items: QueuedItem[], seq?: number): QueueEntry {
  const sorted = [...items].sort(byId);
  return { key, ids: sorted.map((i) => i.id), sizes: sorted.map((i) => i.size), origins: sorted.map((i) => i.origin), seq };
}

export function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

export function countTabs(records: HistoryRecord[], sign: 1 | -1): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const r of records) if (r.tabId !== null) counts[r.tabId] = (counts[r.tabId] ?? 0) + sign;
  return counts;
}
