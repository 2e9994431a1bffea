import type { QueueBound } from './store';

/** One queued event as the bound sees it. */
export interface QueuedItem {
  id: string;
  /** eventBytes of the event. */
  size: number;
  /** The page origin that sent it (from the port's sender). */
  origin: string;
}

/**
 * Which queued events to drop so the queue fits `bound`: the oldest events of the origin
 * holding the most, again and again. A page that floods the queue therefore pays for its
 * own flood, and other sites' events stay until the flooder is down to their size; with a
 * single site this is simply "oldest first". Events in `keep` (the batch in flight) are
 * never chosen. `queued` must be oldest first (in the order the worker queued them).
 */
export function chooseVictims(queued: readonly QueuedItem[], bound: QueueBound, keep: ReadonlySet<string>): Set<string> {
  let count = queued.length;
  let bytes = queued.reduce((n, item) => n + item.size, 0);
  const victims = new Set<string>();
  if (count <= bound.maxEvents && bytes <= bound.maxBytes) return victims;

  const byOrigin = new Map<string, QueuedItem[]>();
  for (const item of queued) {
    if (keep.has(item.id)) continue;
    const list = byOrigin.get(item.origin);
    if (list) list.push(item);
    else byOrigin.set(item.origin, [item]);
  }
  /** Per origin: how many it holds in all, and how far into its candidates eviction has gone. */
  const held = new Map<string, number>();
  for (const item of queued) held.set(item.origin, (held.get(item.origin) ?? 0) + 1);
  const next = new Map<string, number>([...byOrigin.keys()].map((origin) => [origin, 0]));

  while (count > bound.maxEvents || bytes > bound.maxBytes) {
    let origin: string | null = null;
    for (const [candidate, at] of next) {
      if (at >= byOrigin.get(candidate)!.length) continue;
      if (origin === null || held.get(candidate)! > held.get(origin)!) origin = candidate;
    }
    if (origin === null) break; // only the batch in flight is left
    const at = next.get(origin)!;
    const item = byOrigin.get(origin)![at]!;
    next.set(origin, at + 1);
    held.set(origin, held.get(origin)! - 1);
    victims.add(item.id);
    count--;
    bytes -= item.size;
  }
  return victims;
}
