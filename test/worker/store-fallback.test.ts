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
    expect(log).toHaveBeenCalledTimes(1);
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
