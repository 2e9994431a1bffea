import type { IDBPDatabase, IDBPObjectStore, IDBPTransaction, StoreNames } from 'idb';
import { EMPTY_STATS, type HistoryRecord } from '../history';
import {
  CHUNK_SIZE, STORES, byId, countTabs, deliveryOf, itemsOf, queueEntry, queuedItem, quietly, recordsOf, sum,
  storedChunk, type ChunkDB, type ChunkStates, type OpenChunk, type Tx,
} from './chunk-schema';
import { createDigestCache } from './digest-cache';
import { chooseVictims } from './eviction';
import { digestOf, idsOf, pageOf, scanOf, tally, trimVictims, withStatuses, type Digest } from './history-query';
import { eventBytes, isServerRecord, isSettled, type WorkerStore } from './store';
import { createMirror, queuedCount } from './store-mirror';

export { openWorkerDb } from './chunk-schema';

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
 * Layout (chunk-schema.ts): `chunks` holds history records in chunks (filled in arrival
 * order, ≤ CHUNK_SIZE), with a multi-entry index of their event ids for dedupe; `queue`
 * holds, per chunk, the ids still waiting to be sent; `meta` holds totals, per-tab counts
 * and the retry state; `digests` holds, per chunk, a digest of its records without their
 * properties (name, status, tab, origin…; lib/worker/history-query.ts), written in the same
 * transaction as the chunk; `states` holds, per chunk, the delivery fields of its records
 * that changed since the chunk was written (v5). A settle writes those and the digest, not
 * the chunk: rewriting ~100 kB of records for every batch settled was most of what the
 * worker's IndexedDB wrote during a burst. The viewer's paging, counts and filters read the digests:
 * 100 000 records' digests are about 1/10 of the records, and a window of rows then reads
 * one or two chunks.
 *
 * Queue entries and meta counters are also held in memory (store-mirror.ts), so a write
 * transaction reads only the chunks it rewrites, all at once, then writes without waiting.
 */
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
  const mirror = createMirror(dbPromise);
  /**
   * Runs `op` in a write transaction and resolves once that commits. An exception aborts the
   * transaction, so no half of a write commits (and the mirror is read again).
   */
  const writing = async <T>(op: (tx: Tx) => Promise<T>): Promise<T> => {
    const tx = (await dbPromise).transaction([...STORES], 'readwrite');
    try {
      const result = await op(tx);
      await tx.done;
      return result;
    } catch (error) {
      mirror.drop();
      tx.done.catch(() => {});
      try {
        tx.abort();
      } catch {
        // It had already finished (or failed by itself).
      }
      throw error;
    }
  };
  const digests = createDigestCache(async () => (await dbPromise).getAll('digests'));
  /**
   * Every chunk write goes through here, so its digest is written with it; sizes measured
   * before are reused. `chunk.records` are the records as they now are: their changed
   * delivery fields, if any were kept apart (`states`), are folded in and those dropped.
   */
  const putChunk = (tx: Tx, chunk: OpenChunk, known?: Digest, texts?: ReadonlyMap<string, string>, folded = true) => {
    quietly(tx.objectStore('chunks').put(storedChunk(chunk, texts)));
    if (folded) quietly(tx.objectStore('states').delete(chunk.key));
    const sizes = texts && new Map([...texts].map(([id, text]) => [id, text.length]));
    const digest = digestOf(chunk.key, chunk.records, known ?? digests.peek(chunk.key), sizes);
    quietly(tx.objectStore('digests').put(digest));
    digests.edit(tx, chunk.key, digest);
  };
  const deleteChunk = (tx: Tx, key: string) => {
    quietly(tx.objectStore('chunks').delete(key));
    quietly(tx.objectStore('digests').delete(key));
    quietly(tx.objectStore('states').delete(key));
    digests.edit(tx, key, null);
  };
  /**
   * A settle: records' new delivery fields go into their chunk's states and the statuses into
   * its digest; the chunk's records are neither read nor written.
   */
  const putStates = (tx: Tx, key: string, digest: Digest, before: ChunkStates | undefined, records: HistoryRecord[]) => {
    const states = { key, states: { ...before?.states } };
    for (const r of records) states.states[r.id] = deliveryOf(r);
    quietly(tx.objectStore('states').put(states));
    const patched = withStatuses(digest, new Map(records.map((r) => [r.id, r.status])));
    quietly(tx.objectStore('digests').put(patched));
    digests.edit(tx, key, patched);
  };
  /** Chunks (if `withRecords`), their digests and states, all requested at once. */
  const readParts = async (tx: Tx, keys: Iterable<string>, withRecords: boolean) => {
    const list = [...new Set(keys)];
    const got = await Promise.all(
      list.map((key) =>
        Promise.all([
          withRecords ? tx.objectStore('chunks').get(key) : undefined,
          tx.objectStore('digests').get(key),
          tx.objectStore('states').get(key),
        ]),
      ),
    );
    return new Map(list.map((key, i) => [key, { chunk: got[i]![0], digest: got[i]![1], states: got[i]![2] }]));
  };
  /** Records of chunks by key, as they now are (read-only). */
  const readChunks = async (keys: string[], within?: IDBPTransaction<ChunkDB, StoreNames<ChunkDB>[], 'readonly'>) => {
    const tx = within ?? (await dbPromise).transaction(['chunks', 'states']);
    const read = await Promise.all(keys.map((key) => Promise.all([tx.objectStore('chunks').get(key), tx.objectStore('states').get(key)])));
    return new Map(keys.map((key, i) => [key, recordsOf(read[i]![0], read[i]![1])]));
  };

  return {
    async ingest(records) {
      const unique = [...new Map(records.map((r) => [r.id, r])).values()].sort(byId);
      if (!unique.length) return [];
      return writing(async (tx) => {
        const chunks = tx.objectStore('chunks');
        // The newest chunk (to top up) is read while the known ids are looked up.
        const newestRead = mirror.within(tx).then(async (m) => ({ m, last: m.newest ? (await readParts(tx, [m.newest.key], true)).get(m.newest.key) : undefined }));
        const [{ m, last }, known] = await Promise.all([newestRead, knownIds(chunks, unique.map((r) => r.id))]);
        const fresh = unique.filter((r) => !known.has(r.id));
        if (fresh.length) {
          // Each event's JSON is made once: it is what the chunk stores, and its length the
          // event's size (eventBytes). Server records are history only.
          const texts = new Map(fresh.map((r) => [r.id, JSON.stringify(r.event)]));
          const items = new Map(fresh.filter((r) => !isServerRecord(r)).map((r) => [r.id, { id: r.id, size: texts.get(r.id)!.length, origin: r.origin }]));
          let newest = m.newest;
          const fill = (chunk: OpenChunk, records: HistoryRecord[], seq: number, known?: Digest) => {
            chunk.records = [...chunk.records, ...records].sort(byId);
            chunk.ids = chunk.records.map((r) => r.id);
            putChunk(tx, chunk, known, texts, known !== undefined);
            const adding = records.flatMap((r) => items.get(r.id) ?? []);
            if (adding.length) mirror.setEntry(tx, m, chunk.key, queueEntry(chunk.key, [...itemsOf(m.entries.get(chunk.key)), ...adding], seq));
          };
          let rest = fresh;
          const room = last?.chunk ? CHUNK_SIZE - last.chunk.records.length : 0;
          if (room > 0) {
            const { chunk, states, digest } = last!;
            fill({ ...chunk!, records: recordsOf(chunk, states) }, rest.slice(0, room), newest!.seq, digest);
            rest = rest.slice(room);
          }
          const parts: HistoryRecord[][] = [];
          for (let i = 0; i < rest.length; i += CHUNK_SIZE) parts.push(rest.slice(i, i + CHUNK_SIZE));
          // Keyed by its first id, unless a chunk whose records were all trimmed has that key.
          const taken = await Promise.all(parts.map((part) => chunks.getKey(part[0]!.id)));
          parts.forEach((part, i) => {
            const seq = (newest?.seq ?? 0) + 1;
            const key = taken[i] === undefined ? part[0]!.id : `${part[0]!.id}:${seq}`;
            fill({ key, ids: [], records: [] }, part, seq);
            newest = { key, seq };
          });
          if (newest !== m.newest) mirror.set(tx, m, 'newest', newest);
          const size = sum([...items.values()].map((item) => item.size));
          mirror.bump(tx, m, { captured: items.size }, countTabs(fresh, 1), size);
          mirror.set(tx, m, 'history', { count: m.history.count + fresh.length, bytes: m.history.bytes + sum([...texts.values()].map((t) => t.length)) });
        }
        return fresh;
      });
    },

    async head(limit, accept = () => true) {
      if (limit <= 0) return [];
      const tx = (await dbPromise).transaction(['chunks', 'states', 'queue', 'meta']);
      const m = await mirror.seen(tx);
      // The entry's origins pick the accepted events without reading their chunks. Entries
      // from before origins were kept ('') are read, and their records checked below.
      const first = [...m.entries.values()]
        .flatMap((e) => itemsOf(e).map((item) => ({ ...item, key: e.key })))
        .filter((item) => item.origin === '' || accept(item.origin))
        .sort(byId)
        .slice(0, limit);
      const wanted = new Set(first.map((f) => f.id));
      const chunks = await readChunks([...new Set(first.map((f) => f.key))], tx);
      if (located.size + first.length > LOCATED_MAX) located = new Map();
      for (const item of first) located.set(item.id, item.key);
      return [...chunks.values()].flatMap((records) => records.filter((r) => wanted.has(r.id) && accept(r.origin))).sort(byId);
    },

    apply(change) {
      return writing(async (tx) => {
        const chunks = tx.objectStore('chunks');
        // Which chunk holds each record: head()'s hint, else the index. The digest and states of
        // every chunk the change touches are read at once, then written without another wait.
        const ids = [...new Set([...change.put.map((r) => r.id), ...change.dequeue])];
        const owner = new Map<string, string | undefined>(ids.map((id) => [id, located.get(id)]));
        const hinted = [...owner.values()].filter((key): key is string => key !== undefined);
        const [m, loaded] = await Promise.all([mirror.within(tx), readParts(tx, hinted, false)]);
        const holds = new Map<string, Set<string>>();
        const held = (key: string) => holds.get(key) ?? holds.set(key, new Set(loaded.get(key)?.digest ? idsOf(loaded.get(key)!.digest!) : [])).get(key)!;
        // A hinted chunk that does not hold the record (cleared and queued again since): ask the index.
        const unknown = ids.filter((id) => {
          const key = owner.get(id);
          return key === undefined || !held(key).has(id);
        });
        if (unknown.length) {
          const keys = await Promise.all(unknown.map((id) => chunks.index('ids').getKey(id)));
          unknown.forEach((id, i) => owner.set(id, keys[i]));
          const missing = keys.filter((key): key is string => key !== undefined && !loaded.has(key));
          for (const [key, read] of await readParts(tx, missing, false)) loaded.set(key, read);
        }
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
          const { digest, states } = loaded.get(key) ?? {};
          if (digest && put.length) putStates(tx, key, digest, states, put);
          const entry = m.entries.get(key);
          if (entry && dequeue.size) {
            const kept = itemsOf(entry).filter((item) => !dequeue.has(item.id));
            leaving += sum(entry.sizes) - sum(kept.map((item) => item.size));
            mirror.setEntry(tx, m, key, queueEntry(key, kept, entry.seq));
          }
        }
        mirror.bump(tx, m, change.count, {}, -leaving);
      });
    },

    async stats() {
      const m = await mirror.now();
      return { ...m.stats, queued: queuedCount(m) };
    },

    async recent(limit) {
      if (limit <= 0) return [];
      const tx = (await dbPromise).transaction(['chunks', 'states']);
      const [chunks, states] = await Promise.all([tx.objectStore('chunks').getAll(), tx.objectStore('states').getAll()]);
      const statesOf = new Map(states.map((s) => [s.key, s]));
      return chunks.flatMap((c) => recordsOf(c, statesOf.get(c.key))).sort(byId).slice(-limit).reverse();
    },

    clear(emptyQueue = false) {
      return writing(async (tx) => {
        const m = await mirror.within(tx);
        const kept: HistoryRecord[] = [];
        if (emptyQueue) {
          quietly(tx.objectStore('chunks').clear());
          quietly(tx.objectStore('queue').clear());
          quietly(tx.objectStore('digests').clear());
          quietly(tx.objectStore('states').clear());
          m.entries.clear();
          digests.drop();
        } else {
          const [all, states] = await Promise.all([tx.objectStore('chunks').getAll(), tx.objectStore('states').getAll()]);
          const statesOf = new Map(states.map((s) => [s.key, s]));
          for (const chunk of all) {
            const records = recordsOf(chunk, statesOf.get(chunk.key));
            const left = records.filter((r) => !isSettled(r));
            kept.push(...left);
            if (left.length === records.length) continue;
            if (left.length === 0) deleteChunk(tx, chunk.key);
            else putChunk(tx, { key: chunk.key, ids: left.map((r) => r.id), records: left });
          }
        }
        mirror.set(tx, m, 'stats', EMPTY_STATS);
        mirror.set(tx, m, 'tabs', countTabs(kept, 1));
        mirror.set(tx, m, 'history', { count: kept.length, bytes: sum(kept.map(eventBytes)) });
        if (emptyQueue) mirror.set(tx, m, 'queueBytes', 0);
      });
    },

    async countForTab(tabId) {
      return (await mirror.now()).tabs[tabId] ?? 0;
    },

    async trim(max, maxBytes = Infinity) {
      const within = (held: { count: number; bytes: number }) => held.count <= max && held.bytes <= maxBytes;
      if (within((await mirror.now()).history)) return 0;
      return writing(async (tx) => {
        const m = await mirror.within(tx);
        const held = { ...m.history };
        if (within(held)) return 0;
        // Oldest chunks first, their digests read only as far as the excess goes.
        const victims = new Map<string, Set<string>>();
        const seen = new Map<string, Digest>();
        let cursor = await tx.objectStore('digests').openCursor();
        while (cursor && !within(held)) {
          seen.set(cursor.value.key, cursor.value);
          for (const [key, ids] of trimVictims([cursor.value], held, max, maxBytes)) victims.set(key, ids);
          cursor = await cursor.continue();
        }
        const gone: HistoryRecord[] = [];
        for (const [key, { chunk, states }] of await readParts(tx, victims.keys(), true)) {
          if (!chunk) continue;
          const ids = victims.get(key)!;
          const records = recordsOf(chunk, states);
          const kept = records.filter((r) => !ids.has(r.id));
          gone.push(...records.filter((r) => ids.has(r.id)));
          if (kept.length) putChunk(tx, { ...chunk, ids: kept.map((r) => r.id), records: kept }, seen.get(key));
          else deleteChunk(tx, key);
        }
        mirror.bump(tx, m, {}, countTabs(gone, -1));
        mirror.set(tx, m, 'history', { count: held.count, bytes: Math.max(0, held.bytes) });
        return gone.length;
      });
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
      const over = (m: { queueBytes: number }, count: number) => count > bound.maxEvents || m.queueBytes > bound.maxBytes;
      const now = await mirror.now();
      if (!over(now, queuedCount(now))) return [];
      return writing(async (tx) => {
        const m = await mirror.within(tx);
        if (!over(m, queuedCount(m))) return [];
        // Oldest by arrival, so the victims lie in the oldest chunks and an eviction rewrites
        // a few chunks, not all of them (ids a page forged could sort anywhere). The sort is
        // stable over key order, which breaks ties. The batch in flight (`keep`) is the
        // flusher's to settle.
        const arrived = [...m.entries.values()].sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0) || byId({ id: a.key }, { id: b.key }));
        const queued = arrived.flatMap((e) => itemsOf(e).map((item) => ({ ...item, key: e.key })));
        const chosen = chooseVictims(queued, bound, keep);
        const victims = new Map<string, Set<string>>();
        let bytes = 0;
        for (const item of queued) {
          if (!chosen.has(item.id)) continue;
          (victims.get(item.key) ?? victims.set(item.key, new Set()).get(item.key)!).add(item.id);
          bytes += item.size;
        }
        const loaded = await readParts(tx, victims.keys(), true);
        const dropped: HistoryRecord[] = [];
        for (const [key, ids] of victims) {
          const { chunk, digest, states } = loaded.get(key) ?? {};
          if (chunk && digest) {
            const now = recordsOf(chunk, states).filter((r) => ids.has(r.id)).map((r) => ({ ...r, status: 'dropped' as const, reason, nextAttemptAt: undefined }));
            dropped.push(...now);
            putStates(tx, key, digest, states, now);
          }
          const entry = m.entries.get(key)!;
          mirror.setEntry(tx, m, key, queueEntry(key, itemsOf(entry).filter((item) => !ids.has(item.id)), entry.seq));
        }
        mirror.bump(tx, m, { dropped: dropped.length }, {}, -bytes);
        return dropped.sort(byId);
      });
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
    const read = await Promise.all([...holders].map((key) => chunks.get(key)));
    for (const chunk of read) for (const id of chunk?.ids ?? []) known.add(id);
  } else {
    const found = await Promise.all(ids.map((id) => index.getKey(id)));
    ids.forEach((id, i) => found[i] !== undefined && known.add(id));
  }
  return known;
}
