/**
 * Most events a page keeps waiting for the extension's acknowledgement. A page whose
 * extension is gone (removed, or reloaded so its content script lost its context) would
 * otherwise grow its outbox without end; the page cannot reach the worker's history, so
 * what is dropped here is only noted with console.debug.
 */
export const MAX_OUTBOX_EVENTS = 5_000;

/**
 * The keys past `max`, oldest first. A Map iterates in insertion order, which for the
 * outbox is the order events were tracked (replayed events first).
 *
 * @example oldestOver(new Map([['a', 1], ['b', 2], ['c', 3]]), 2) // → ['a']
 */
export function oldestOver<K>(entries: ReadonlyMap<K, unknown>, max: number): K[] {
  const excess = entries.size - max;
  if (excess <= 0) return [];
  const out: K[] = [];
  for (const key of entries.keys()) {
    if (out.length === excess) break;
    out.push(key);
  }
  return out;
}
