import { EMPTY_STATS, type HistoryRecord } from '../history';
import { chooseVictims } from './eviction';
import { digestOf, pageOf, scanOf, tally, trimVictims } from './history-query';
import { addCounts, eventBytes, isServerRecord, isSettled, type WorkerStore } from './store';

/** WorkerStore in memory: for unit tests, and the fallback when IndexedDB cannot open. */
export function memoryWorkerStore(): WorkerStore {
  const history = new Map<string, HistoryRecord>();
  /** Queued ids and their sizes, in insertion order (sorted when read). */
  const queue = new Map<string, number>();
  const meta = new Map<string, unknown>();
  let stats = { ...EMPTY_STATS };
  const copy = <T>(value: T): T => structuredClone(value);
  const sortedIds = (ids: Iterable<string>) => [...ids].sort();
  /** All of history as one digest (one "chunk" keyed ''), in id order. */
  const digest = () => digestOf('', sortedIds(history.keys()).map((id) => history.get(id)!));

  return {
    async ingest(records) {
      const unique = [...new Map(records.map((r) => [r.id, r])).values()];
      const fresh = unique.filter((r) => !history.has(r.id));
      for (const record of fresh) {
        history.set(record.id, copy(record));
        if (!isServerRecord(record)) queue.set(record.id, eventBytes(record));
      }
      stats = addCounts(stats, { captured: fresh.filter((r) => !isServerRecord(r)).length });
      return fresh;
    },
    async head(limit, accept = () => true) {
      const out: HistoryRecord[] = [];
      for (const id of sortedIds(queue.keys())) {
        if (out.length >= limit) break;
        const record = history.get(id)!;
        if (accept(record.origin)) out.push(copy(record));
      }
      return out;
    },
    async apply(change) {
      // Updates only: an event cleared while its batch was in flight stays cleared.
      for (const record of change.put) if (history.has(record.id)) history.set(record.id, copy(record));
      for (const id of change.dequeue) queue.delete(id);
      stats = addCounts(stats, change.count);
    },
    async evict(bound, keep, reason) {
      // Oldest by arrival: the Map keeps insertion order.
      const queued = [...queue.keys()].map((id) => ({ id, size: queue.get(id)!, origin: history.get(id)!.origin }));
      const dropped: HistoryRecord[] = [];
      for (const id of chooseVictims(queued, bound, keep)) {
        queue.delete(id);
        const next: HistoryRecord = { ...history.get(id)!, status: 'dropped', reason, nextAttemptAt: undefined };
        history.set(id, next);
        dropped.push(copy(next));
      }
      stats = addCounts(stats, { dropped: dropped.length });
      return dropped.sort((a, b) => (a.id < b.id ? -1 : 1));
    },
    async stats() {
      return { ...stats, queued: queue.size };
    },
    async recent(limit) {
      return sortedIds(history.keys()).reverse().slice(0, limit).map((id) => copy(history.get(id)!));
    },
    async page(query, offset, limit) {
      const all = sortedIds(history.keys()).map((id) => history.get(id)!);
      const page = await pageOf([digestOf('', all)], query, offset, limit, async () => new Map([['', all]]));
      return { ...page, records: page.records.map(copy) };
    },
    async scan(query, visit) {
      const all = sortedIds(history.keys()).map((id) => history.get(id)!);
      await scanOf([digestOf('', all)], query, async () => new Map([['', all.map(copy)]]), visit);
    },
    async tally() {
      return tally([digest()]);
    },
    async clear(emptyQueue = false) {
      if (emptyQueue) queue.clear();
      for (const [id, record] of history) if (emptyQueue || isSettled(record)) history.delete(id);
      stats = { ...EMPTY_STATS };
    },
    async countForTab(tabId) {
      let count = 0;
      for (const record of history.values()) if (record.tabId === tabId) count++;
      return count;
    },
    async trim(max, maxBytes = Infinity) {
      const all = digest();
      const victims = trimVictims([all], { count: all.n, bytes: all.bytes.reduce((a, b) => a + b, 0) }, max, maxBytes).get('') ?? new Set<string>();
      for (const id of victims) history.delete(id);
      return victims.size;
    },
    async getMeta<T>(key: string) {
      return copy(meta.get(key)) as T | undefined;
    },
    async setMeta(key, value) {
      meta.set(key, copy(value));
    },
  };
}
