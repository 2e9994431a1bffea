import { openDB, type DBSchema, type IDBPDatabase, type IDBPObjectStore, type IDBPTransaction, type StoreNames } from 'idb';
import { EMPTY_STATS, type DeliveryStats, type HistoryRecord } from '../history';
import { chooseVictims, type QueuedItem } from './eviction';
import { createDigestCache } from './digest-cache';
import { digestOf, pageOf, scanOf, tally, trimVictims, type Digest } from './history-query';
import { addCounts, eventBytes, isServerRecord, isSettled, type WorkerStore } from './store';

/**
 * WorkerStore over IndexedDB, with events stored in chunks.
 *
 * Why chunks: in Chromium every IndexedDB request is a round trip to the browser process
 * (measured here: ~0.3 ms per put or get), while one value holding 500 records costs
 * 10–40 ms to write and 1–2 ms to read. One record per event made a burst of 10 000 events
 * take 12 s to acknowledge and 19 s to drain. Chunks of at most 100 records keep both
 * sides small: an ingest is a few puts, and settling a batch of 50 rewrites one or two
 * chunks rather than the whole of a large ingest.
 *
 * Layout: `chunks` holds history records in chunks (filled in arrival order, ≤ CHUNK_SIZE),
 * with a multi-entry index of their event ids for dedupe; `queue` holds, per chunk, the
 * ids still waiting to be sent; `meta` holds totals, per-tab counts and the retry state;
 * `digests` holds, per chunk, a digest of its records without their properties (name,
 * status, tab, origin…; lib/worker/history-query.ts), written in the same transaction as
 * the chunk. The viewer's paging, counts and filters read the digests: 100 000 records'
 * digests are about 1/10 of the records, and a window of rows then reads one or two chunks.
 */
interface Chunk {
  key: string;
  ids: string[];
  records: HistoryRecord[];
}

interface QueueEntry {
  key: string;
  ids: string[];
  /** Each queued event's size (eventBytes), parallel to `ids`, for the queue's byte bound. */
  sizes: number[];
  /** Each queued event's page origin, parallel to `ids`, so the bound can charge the site that floods (absent in older data: ''). */
  origins?: string[];
  /** Arrival order of the entry's chunk (absent in older data: the oldest). */
  seq?: number;
}

interface ChunkDB extends DBSchema {
  chunks: { key: string; value: Chunk; indexes: { ids: string } };
  queue: { key: string; value: QueueEntry };
  meta: { key: string; value: unknown };
  digests: { key: string; value: Digest };
}

type Tx = IDBPTransaction<ChunkDB, StoreNames<ChunkDB>[], 'readwrite' | 'versionchange'>;

const STATS = 'stats';
const TABS = 'tabCounts';
/** Running total of the queued events' sizes, so a bound check need not read them. */
const QUEUE_BYTES = 'queueBytes';
/** Records a chunk holds at most; the newest chunk is topped up by later ingests until full. */
const CHUNK_SIZE = 100;
/** The newest chunk's key and arrival number: the one later ingests top up. */
const NEWEST = 'newestChunk';
/** How many records history holds and their eventBytes: the trim's check, without reading. */
const HISTORY = 'history';

/** The only place that knows the worker's IndexedDB schema and its upgrades. */
export function openWorkerDb(name = 'trodo-worker'): Promise<IDBPDatabase<ChunkDB>> {
  return openDB<ChunkDB>(name, 4, {
    async upgrade(db, oldVersion, _newVersion, tx) {
      if (oldVersion === 3) {
        // v3 had no digests: one is made for each chunk.
        const digests = db.createObjectStore('digests', { keyPath: 'key' });
        const held = { count: 0, bytes: 0 };
        for (const chunk of await tx.objectStore('chunks').getAll()) {
          const digest = digestOf(chunk.key, chunk.records);
          void digests.put(digest);
          held.count += digest.n;
          held.bytes += sum([...digest.bytes]);
        }
        void tx.objectStore('meta').put(held, HISTORY);
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
    void tx.objectStore('meta').put({ count: sorted.length, bytes: sum([...digest.bytes]) }, HISTORY);
    const waiting = sorted.filter((r) => queued.has(r.id));
    if (waiting.length) {
      void tx.objectStore('queue').put(queueEntry(key, waiting.map(queuedItem)));
      void tx.objectStore('meta').put(sum(waiting.map(eventBytes)), QUEUE_BYTES);
    }
  }
  for (const [key, value] of meta) if (value !== undefined) void tx.objectStore('meta').put(value, key);
}

/** Ids whose chunk head() saw, at most (about 1 MB); past it the map starts over and apply() looks the rest up. The flusher settles a few thousand at a time. */
const LOCATED_MAX = 10_000;

export function chunkWorkerStore(dbPromise: Promise<IDBPDatabase<ChunkDB>>): WorkerStore {
  /**
   * Which chunk holds each event head() handed out. The flusher settles what head() gave it,
   * so apply() finds those chunks without an index lookup per event (50 lookups a batch were
   * most of a settling write). A hint only: a record never moves to another chunk, and one
   * not found where the hint says is looked up in the index.
   */
  let located = new Map<string, string>();
  const write = async () => (await dbPromise).transaction(['chunks', 'queue', 'meta', 'digests'], 'readwrite');
  const digests = createDigestCache(async () => (await dbPromise).getAll('digests'));
  /** Every chunk write goes through here, so its digest is written with it. */
  const putChunk = (tx: Tx, chunk: Chunk) => {
    void tx.objectStore('chunks').put(chunk);
    const digest = digestOf(chunk.key, chunk.records, digests.peek(chunk.key));
    void tx.objectStore('digests').put(digest);
    digests.edit(tx, chunk.key, digest);
  };
  const deleteChunk = (tx: Tx, key: string) => {
    void tx.objectStore('chunks').delete(key);
    void tx.objectStore('digests').delete(key);
    digests.edit(tx, key, null);
  };
  const readChunks = async (keys: string[]) => {
    const tx = (await dbPromise).transaction('chunks');
    const chunks = await Promise.all(keys.map((key) => tx.store.get(key)));
    return new Map(keys.map((key, i) => [key, chunks[i]?.records ?? []]));
  };

  return {
    async ingest(records) {
      const unique = [...new Map(records.map((r) => [r.id, r])).values()].sort(byId);
      if (!unique.length) return [];
      const tx = await write();
      const chunks = tx.objectStore('chunks');
      const known = await knownIds(chunks, unique.map((r) => r.id));
      const fresh = unique.filter((r) => !known.has(r.id));
      if (fresh.length) {
        const meta = tx.objectStore('meta');
        const queue = tx.objectStore('queue');
        let newest = (await meta.get(NEWEST)) as { key: string; seq: number } | undefined;
        // Each event's size is its JSON's length: measured once. Server records are history only.
        const items = new Map(fresh.filter((r) => !isServerRecord(r)).map((r) => [r.id, queuedItem(r)]));
        const fill = async (chunk: Chunk, records: HistoryRecord[], seq: number) => {
          chunk.records = [...chunk.records, ...records].sort(byId);
          chunk.ids = chunk.records.map((r) => r.id);
          putChunk(tx, chunk);
          const adding = records.flatMap((r) => items.get(r.id) ?? []);
          if (!adding.length) return;
          const entry = await queue.get(chunk.key);
          void queue.put(queueEntry(chunk.key, [...itemsOf(entry), ...adding], seq));
        };
        let rest = fresh;
        const last = newest && (await chunks.get(newest.key));
        const room = last ? CHUNK_SIZE - last.records.length : 0;
        if (room > 0) {
          await fill(last!, rest.slice(0, room), newest!.seq);
          rest = rest.slice(room);
        }
        for (let i = 0; i < rest.length; i += CHUNK_SIZE) {
          const part = rest.slice(i, i + CHUNK_SIZE);
          const seq = (newest?.seq ?? 0) + 1;
          // Keyed by its first id, unless a chunk whose records were all trimmed has that key.
          const key = (await chunks.getKey(part[0]!.id)) === undefined ? part[0]!.id : `${part[0]!.id}:${seq}`;
          await fill({ key, ids: [], records: [] }, part, seq);
          newest = { key, seq };
        }
        void meta.put(newest, NEWEST);
        const size = sum([...items.values()].map((item) => item.size));
        await bump(tx, { captured: items.size }, countTabs(fresh, 1), size);
        await countHistory(tx, fresh.length, size + sum(fresh.filter(isServerRecord).map(eventBytes)));
      }
      await tx.done;
      return fresh;
    },

    async head(limit, accept = () => true) {
      if (limit <= 0) return [];
      const tx = (await dbPromise).transaction(['chunks', 'queue']);
      const entries = await tx.objectStore('queue').getAll();
      // The entry's origins pick the accepted events without reading their chunks. Entries
      // from before origins were kept ('') are read, and their records checked below.
      const first = entries
        .flatMap((e) => itemsOf(e).map((item) => ({ ...item, key: e.key })))
        .filter((item) => item.origin === '' || accept(item.origin))
        .sort(byId)
        .slice(0, limit);
      const wanted = new Set(first.map((f) => f.id));
      const chunks = await Promise.all([...new Set(first.map((f) => f.key))].map((key) => tx.objectStore('chunks').get(key)));
      await tx.done;
      if (located.size + first.length > LOCATED_MAX) located = new Map();
      for (const item of first) located.set(item.id, item.key);
      return chunks.flatMap((c) => c?.records.filter((r) => wanted.has(r.id) && accept(r.origin)) ?? []).sort(byId);
    },

    async apply(change) {
      const tx = await write();
      const queue = tx.objectStore('queue');
      const chunks = tx.objectStore('chunks');
      // Which chunk holds each record: head()'s hint, else the index, all lookups in one go
      // (reading the whole queue to find out cost more than the rest of a batch's write).
      const ids = [...new Set([...change.put.map((r) => r.id), ...change.dequeue])];
      const owner = new Map<string, string | undefined>(ids.map((id) => [id, located.get(id)]));
      const loaded = new Map<string, Chunk | undefined>();
      const chunkOf = async (key: string) => (loaded.has(key) ? loaded.get(key) : loaded.set(key, await chunks.get(key)).get(key));
      // A hinted chunk that does not hold the record (cleared and queued again since): ask the index.
      await Promise.all([...new Set(owner.values())].map((key) => key !== undefined && chunkOf(key)));
      const unknown = ids.filter((id) => {
        const key = owner.get(id);
        return key === undefined || !loaded.get(key)?.ids.includes(id);
      });
      const keys = await Promise.all(unknown.map((id) => chunks.index('ids').getKey(id)));
      unknown.forEach((id, i) => owner.set(id, keys[i]));
      const byChunk = new Map<string, { put: HistoryRecord[]; dequeue: Set<string> }>();
      const group = (id: string) => {
        const key = owner.get(id);
        if (key === undefined) return null;
        return byChunk.get(key) ?? byChunk.set(key, { put: [], dequeue: new Set() }).get(key)!;
      };
      for (const record of change.put) group(record.id)?.put.push(record);
      for (const id of change.dequeue) group(id)?.dequeue.add(id);
      for (const id of change.dequeue) located.delete(id);

      let leaving = 0;
      for (const [key, { put, dequeue }] of byChunk) {
        const chunk = await chunkOf(key);
        if (chunk && put.length) {
          const updates = new Map(put.map((r) => [r.id, r]));
          chunk.records = chunk.records.map((r) => updates.get(r.id) ?? r);
          putChunk(tx, chunk);
        }
        const entry = await queue.get(key);
        if (entry && dequeue.size) {
          const kept = itemsOf(entry).filter((item) => !dequeue.has(item.id));
          leaving += sum(entry.sizes) - sum(kept.map((item) => item.size));
          void (kept.length ? queue.put(queueEntry(key, kept, entry.seq)) : queue.delete(key));
        }
      }
      if (change.count || leaving) await bump(tx, change.count ?? {}, {}, -leaving);
      await tx.done;
    },

    async stats() {
      const tx = (await dbPromise).transaction(['queue', 'meta']);
      const [stats, entries] = await Promise.all([tx.objectStore('meta').get(STATS), tx.objectStore('queue').getAll()]);
      return { ...((stats as DeliveryStats | undefined) ?? EMPTY_STATS), queued: entries.reduce((n, e) => n + e.ids.length, 0) };
    },

    async recent(limit) {
      if (limit <= 0) return [];
      const chunks = await (await dbPromise).getAll('chunks');
      return chunks.flatMap((c) => c.records).sort(byId).slice(-limit).reverse();
    },

    async clear(emptyQueue = false) {
      const tx = await write();
      if (emptyQueue) {
        void tx.objectStore('chunks').clear();
        void tx.objectStore('queue').clear();
        void tx.objectStore('digests').clear();
        digests.drop();
      } else {
        await rewrite(tx, (records) => records.filter((r) => !isSettled(r)), putChunk, deleteChunk);
      }
      void tx.objectStore('meta').put(EMPTY_STATS, STATS);
      const kept = emptyQueue ? [] : (await tx.objectStore('chunks').getAll()).flatMap((c) => c.records);
      void tx.objectStore('meta').put(countTabs(kept, 1), TABS);
      void tx.objectStore('meta').put({ count: kept.length, bytes: sum(kept.map(eventBytes)) }, HISTORY);
      if (emptyQueue) void tx.objectStore('meta').put(0, QUEUE_BYTES);
      await tx.done;
    },

    async countForTab(tabId) {
      const counts = (await (await dbPromise).get('meta', TABS)) as Record<number, number> | undefined;
      return counts?.[tabId] ?? 0;
    },

    async trim(max, maxBytes = Infinity) {
      const tx = await write();
      const held = await historyHeld(tx);
      if (held.count <= max && held.bytes <= maxBytes) {
        await tx.done;
        return 0;
      }
      // Oldest chunks first, their digests read only as far as the excess goes.
      const victims = new Map<string, Set<string>>();
      let cursor = await tx.objectStore('digests').openCursor();
      while (cursor && (held.count > max || held.bytes > maxBytes)) {
        for (const [key, ids] of trimVictims([cursor.value], held, max, maxBytes)) victims.set(key, ids);
        cursor = await cursor.continue();
      }
      const gone: HistoryRecord[] = [];
      for (const [key, ids] of victims) {
        const chunk = await tx.objectStore('chunks').get(key);
        if (!chunk) continue;
        const kept = chunk.records.filter((r) => !ids.has(r.id));
        gone.push(...chunk.records.filter((r) => ids.has(r.id)));
        if (kept.length) putChunk(tx, { ...chunk, ids: kept.map((r) => r.id), records: kept });
        else deleteChunk(tx, key);
      }
      await bump(tx, {}, countTabs(gone, -1));
      void tx.objectStore('meta').put({ count: held.count, bytes: Math.max(0, held.bytes) }, HISTORY);
      await tx.done;
      return gone.length;
    },

    async page(query, offset, limit) {
      return pageOf(await digests.all(), query, offset, limit, readChunks);
    },

    async scan(query, visit) {
      await scanOf(await digests.all(), query, readChunks, visit);
    },

    async tally() {
      return tally(await digests.all());
    },

    forget: () => digests.drop(),

    async evict(bound, keep, reason) {
      const tx = await write();
      const entries = await tx.objectStore('queue').getAll();
      const count = entries.reduce((n, e) => n + e.ids.length, 0);
      let bytes = ((await tx.objectStore('meta').get(QUEUE_BYTES)) as number | undefined) ?? 0;
      if (count <= bound.maxEvents && bytes <= bound.maxBytes) {
        await tx.done;
        return [];
      }
      // Oldest by arrival, so the victims lie in the oldest chunks and an eviction rewrites
      // a few chunks, not all of them (ids a page forged could sort anywhere). The sort is
      // stable over getAll's key order, which breaks ties. The batch in flight (`keep`) is
      // the flusher's to settle.
      const arrived = [...entries].sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
      const queued = arrived.flatMap((e) => itemsOf(e).map((item) => ({ ...item, key: e.key })));
      const chosen = chooseVictims(queued, bound, keep);
      const victims = new Map<string, Set<string>>();
      for (const item of queued) {
        if (!chosen.has(item.id)) continue;
        (victims.get(item.key) ?? victims.set(item.key, new Set()).get(item.key)!).add(item.id);
        bytes -= item.size;
      }
      const dropped: HistoryRecord[] = [];
      for (const [key, ids] of victims) {
        const chunk = await tx.objectStore('chunks').get(key);
        if (chunk) {
          chunk.records = chunk.records.map((r) => (ids.has(r.id) ? { ...r, status: 'dropped' as const, reason, nextAttemptAt: undefined } : r));
          dropped.push(...chunk.records.filter((r) => ids.has(r.id)));
          putChunk(tx, chunk);
        }
        const entry = entries.find((e) => e.key === key)!;
        const kept = itemsOf(entry).filter((item) => !ids.has(item.id));
        void (kept.length ? tx.objectStore('queue').put(queueEntry(key, kept, entry.seq)) : tx.objectStore('queue').delete(key));
      }
      void tx.objectStore('meta').put(Math.max(0, bytes), QUEUE_BYTES);
      await bump(tx, { dropped: dropped.length });
      await tx.done;
      return dropped.sort(byId);
    },

    async getMeta<T>(key: string) {
      return (await (await dbPromise).get('meta', key)) as T | undefined;
    },

    async setMeta(key, value) {
      await (await dbPromise).put('meta', value, key);
    },
  };
}

/** Chunks read whole to find a batch's known ids; past this, ids are looked up one by one. */
const HOLDERS_READ_WHOLE = 2;

/**
 * Which of `ids` (sorted) the store holds already. Known ids can only lie within the batch's
 * id range. The tracker's ids are UUID v7 (time-ordered), so that range falls in the newest
 * chunk or two, and reading those is one query and a couple of gets. Ids spread across the
 * store (an old outbox replayed, or a page that forges ids) would make that read every chunk
 * on every ingest; those are looked up in the index one by one instead.
 */
async function knownIds(chunks: IDBPObjectStore<ChunkDB, StoreNames<ChunkDB>[], 'chunks', 'readwrite'>, ids: string[]): Promise<Set<string>> {
  const index = chunks.index('ids');
  const range = IDBKeyRange.bound(ids[0]!, ids.at(-1)!);
  const holders = new Set(await index.getAllKeys(range));
  const known = new Set<string>();
  if (holders.size <= HOLDERS_READ_WHOLE) {
    for (const key of holders) for (const id of (await chunks.get(key))?.ids ?? []) known.add(id);
  } else {
    const found = await Promise.all(ids.map((id) => index.getKey(id)));
    ids.forEach((id, i) => found[i] !== undefined && known.add(id));
  }
  return known;
}

/** Rewrites every chunk through `keep`, deleting chunks left empty. */
async function rewrite(tx: Tx, keep: (records: HistoryRecord[]) => HistoryRecord[], put: (tx: Tx, chunk: Chunk) => void, remove: (tx: Tx, key: string) => void) {
  for (const chunk of await tx.objectStore('chunks').getAll()) {
    const records = keep(chunk.records);
    if (records.length === chunk.records.length) continue;
    if (records.length === 0) remove(tx, chunk.key);
    else put(tx, { ...chunk, ids: records.map((r) => r.id), records });
  }
}

async function historyHeld(tx: Tx): Promise<{ count: number; bytes: number }> {
  return { count: 0, bytes: 0, ...((await tx.objectStore('meta').get(HISTORY)) as { count: number; bytes: number } | undefined) };
}

/** Keeps history's count and bytes as records arrive (trim and clear write them whole). */
async function countHistory(tx: Tx, count: number, bytes: number) {
  const held = await historyHeld(tx);
  void tx.objectStore('meta').put({ count: held.count + count, bytes: held.bytes + bytes }, HISTORY);
}

async function bump(tx: Tx, count: Parameters<typeof addCounts>[1], tabs: Record<number, number> = {}, queueBytes = 0) {
  const meta = tx.objectStore('meta');
  const [stats, counts, bytes] = await Promise.all([meta.get(STATS), meta.get(TABS), meta.get(QUEUE_BYTES)]);
  void meta.put(addCounts((stats as DeliveryStats | undefined) ?? EMPTY_STATS, count), STATS);
  if (queueBytes) void meta.put(Math.max(0, ((bytes as number | undefined) ?? 0) + queueBytes), QUEUE_BYTES);
  if (Object.keys(tabs).length) {
    const next = { ...((counts as Record<number, number> | undefined) ?? {}) };
    for (const [tab, n] of Object.entries(tabs)) next[Number(tab)] = Math.max(0, (next[Number(tab)] ?? 0) + n);
    void meta.put(next, TABS);
  }
}

function countTabs(records: HistoryRecord[], sign: 1 | -1): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const r of records) if (r.tabId !== null) counts[r.tabId] = (counts[r.tabId] ?? 0) + sign;
  return counts;
}

function byId(a: { id: string }, b: { id: string }): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

const queuedItem = (record: HistoryRecord): QueuedItem => ({ id: record.id, size: eventBytes(record), origin: record.origin });

/** A queue entry's events, with their sizes and origins. */
function itemsOf(entry: QueueEntry | undefined): QueuedItem[] {
  return entry?.ids.map((id, i) => ({ id, size: entry.sizes[i] ?? 0, origin: entry.origins?.[i] ?? '' })) ?? [];
}

/** A queue entry holding `items` in id order. */
function queueEntry(key: string, items: QueuedItem[], seq?: number): QueueEntry {
  const sorted = [...items].sort(byId);
  return { key, ids: sorted.map((i) => i.id), sizes: sorted.map((i) => i.size), origins: sorted.map((i) => i.origin), seq };
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
