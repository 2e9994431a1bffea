import { describe, expect, it, vi } from 'vitest';
import { withMemoryFallback } from '../../lib/worker/fallback-store';
import { memoryWorkerStore } from '../../lib/worker/memory-store';
import type { WorkerStore } from '../../lib/worker/store';
import { records } from './delivery-helpers';

/** A store whose every call fails, as IndexedDB does over quota or when it cannot open. */
function failingStore(error: unknown): WorkerStore {
  const fail = () => Promise.reject(error);
  return { ingest: fail, head: fail, apply: fail, stats: fail, recent: fail, page: fail, scan: fail, tally: fail, clear: fail, countForTab: fail, trim: fail, evict: fail, getMeta: fail, setMeta: fail };
}

describe('IndexedDB failure falls back to memory', () => {
  it('keeps capture working in memory and says durability is degraded, once', async () => {
    const log = vi.fn();
    const quota = new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    const store = withMemoryFallback(failingStore(quota), memoryWorkerStore, log);
    expect(store.degraded!()).toBeUndefined();

    const fresh = await store.ingest(records(0, 3));
    expect(fresh).toHaveLength(3);
    expect((await store.head(10)).map((r) => r.event.properties.n)).toEqual([0, 1, 2]);
    expect(await store.stats()).toMatchObject({ captured: 3, queued: 3 });
    expect(store.degraded!()).toContain('QuotaExceededError');
    expect(store.degraded!()).toContain('memory');
    // The reason once, then that IndexedDB could not be read to carry its events over.
    expect(log.mock.calls.map(([m]) => m)).toEqual([store.degraded!(), expect.stringContaining('sent at the next start')]);
  });

  it('carries the events IndexedDB already holds into memory and sends them in this life', async () => {
    // IndexedDB over quota: it still reads, new events do not fit.
    const primary = memoryWorkerStore();
    await primary.ingest(records(0, 3));
    let full = false;
    const quota = () => Promise.reject(new DOMException('', 'QuotaExceededError'));
    const overQuota: WorkerStore = { ...primary, ingest: (r) => (full ? quota() : primary.ingest(r)) };
    const log = vi.fn();
    const store = withMemoryFallback(overQuota, memoryWorkerStore, log);
    full = true;

    await store.ingest(records(3, 2));
    expect((await store.head(10)).map((r) => r.event.properties.n)).toEqual([0, 1, 2, 3, 4]);
    expect(log).toHaveBeenLastCalledWith(expect.stringContaining('3 events IndexedDB still held are carried into memory'));

    const sent = (await store.head(10)).map((r) => ({ ...r, status: 'sent' as const }));
    await store.apply({ put: sent, dequeue: sent.map((r) => r.id), count: { sent: sent.length } });
    expect(await store.head(10)).toEqual([]);
    expect(await store.stats()).toMatchObject({ sent: 5, queued: 0 });
  });

  it('stays on IndexedDB while it works', async () => {
    const primary = memoryWorkerStore();
    const fallback = vi.fn(memoryWorkerStore);
    const store = withMemoryFallback(primary, fallback, () => {});
    await store.ingest(records(0, 2));
    expect(await primary.stats()).toMatchObject({ queued: 2 });
    expect(fallback).not.toHaveBeenCalled();
    expect(store.degraded!()).toBeUndefined();
  });
});
