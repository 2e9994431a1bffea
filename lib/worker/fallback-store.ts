import type { WorkerStore } from './store';

/**
 * A WorkerStore that moves to memory the first time IndexedDB fails (quota exceeded, an
 * open that failed or was refused, private modes without storage): capture and delivery
 * keep working, and `degraded()` says why so the popup can warn that queued events no
 * longer survive the worker stopping. The switch lasts for this life of the worker; the
 * next start tries IndexedDB again.
 *
 * Events IndexedDB already holds when it starts failing are carried into memory (reading
 * still works over quota), so they are sent in this life rather than waiting for a next
 * start that may be far off. IndexedDB keeps them queued (over quota it refuses the write
 * that would settle them, even one that shrinks it: measured in Chromium), so the next start
 * sends them again: at most one duplicate each, which the server dedupes by event_id.
 */
export function withMemoryFallback(primary: WorkerStore, fallback: () => WorkerStore, log: (message: string) => void): WorkerStore {
  let active = primary;
  let reason: string | undefined;
  let switching: Promise<void> | undefined;

  async function carryOver(memory: WorkerStore) {
    try {
      const queued = await primary.head(Number.MAX_SAFE_INTEGER);
      await memory.ingest(queued);
      if (queued.length) log(`${queued.length} events IndexedDB still held are carried into memory and sent from there.`);
    } catch (error) {
      log(`IndexedDB could not be read either (${describe(error)}): the events it holds are sent at the next start.`);
    }
  }

  async function call<T>(op: (store: WorkerStore) => Promise<T>): Promise<T> {
    if (active === primary) {
      try {
        return await op(primary);
      } catch (error) {
        if (active === primary && !switching) {
          reason = `IndexedDB failed (${describe(error)}): events are kept in memory only and are lost if the browser stops the extension's worker.`;
          log(reason);
          const memory = fallback();
          switching = carryOver(memory).then(() => void (active = memory));
        }
      }
    }
    await switching;
    return op(active);
  }

  return {
    ingest: (records) => call((s) => s.ingest(records)),
    head: (limit, accept) => call((s) => s.head(limit, accept)),
    apply: (change) => call((s) => s.apply(change)),
    stats: () => call((s) => s.stats()),
    recent: (limit) => call((s) => s.recent(limit)),
    page: (query, offset, limit) => call((s) => s.page(query, offset, limit)),
    tally: () => call((s) => s.tally()),
    scan: (query, visit) => call((s) => s.scan(query, visit)),
    clear: (queue) => call((s) => s.clear(queue)),
    countForTab: (tabId) => call((s) => s.countForTab(tabId)),
    trim: (max, maxBytes) => call((s) => s.trim(max, maxBytes)),
    evict: (bound, keep, why) => call((s) => s.evict(bound, keep, why)),
    getMeta: <T>(key: string) => call((s) => s.getMeta<T>(key)),
    setMeta: (key, value) => call((s) => s.setMeta(key, value)),
    forget: () => active.forget?.(),
    degraded: () => reason,
  };
}

function describe(error: unknown): string {
  if (error instanceof Error || (typeof DOMException !== 'undefined' && error instanceof DOMException)) {
    return error.name && error.name !== 'Error' ? `${error.name}: ${error.message}` : error.message;
  }
  return String(error);
}
