import type { DeliveryStatus, HistoryRecord } from '../history';
import { eventBytes } from './store';

/**
 * Which history records a viewer wants. The fields are the indexed ones: each is answered
 * from the chunks' digests without reading a record. `match` is the one exception (a search
 * over properties, a check against the plan in force): only the records the indexed fields
 * let through are read for it, chunk by chunk.
 *
 * @example { tabId: 7, statuses: ['queued', 'retrying'], name: 'signup_completed' }
 */
export interface HistoryQuery {
  tabId?: number;
  origin?: string;
  category?: string;
  kind?: 'custom' | 'auto';
  /** Exact event name. */
  name?: string;
  statuses?: readonly DeliveryStatus[];
  /** Origins the query keeps (the held / queued split is a per-origin rule, lib/sending.ts). */
  acceptOrigin?: (origin: string) => boolean;
  /** Read-the-record test, applied after the indexed fields. */
  match?: (record: HistoryRecord) => boolean;
}

/** One window of history, newest first, and how many records match in all. */
export interface HistoryPage {
  total: number;
  offset: number;
  records: HistoryRecord[];
}

/**
 * What a chunk of history holds, one entry per record in the chunk's order, kept next to
 * the chunk and written with it. Small (no properties), so the viewer's counts, filter
 * menus and paging over 100 000 records read kilobytes, not the records.
 */
export interface Digest {
  key: string;
  ids: string[];
  names: string[];
  statuses: DeliveryStatus[];
  tabs: (number | null)[];
  origins: string[];
  categories: string[];
  kinds: ('custom' | 'auto')[];
  /** eventBytes of each record: history's byte bound. */
  bytes: number[];
}

/** The digest of a chunk's records; sizes already measured (`known`, by id) are reused. */
export function digestOf(key: string, records: readonly HistoryRecord[], known?: Digest): Digest {
  const sizes = known ? new Map(known.ids.map((id, i) => [id, known.bytes[i]!])) : null;
  return {
    key,
    ids: records.map((r) => r.id),
    names: records.map((r) => r.event.name),
    statuses: records.map((r) => r.status),
    tabs: records.map((r) => r.tabId),
    origins: records.map((r) => r.origin),
    categories: records.map((r) => r.event.category),
    kinds: records.map((r) => r.event.kind),
    bytes: records.map((r) => sizes?.get(r.id) ?? eventBytes(r)),
  };
}

/** Whether row `i` of a digest passes the query's indexed fields. */
export function rowMatches(d: Digest, i: number, q: HistoryQuery): boolean {
  return (
    (q.tabId === undefined || d.tabs[i] === q.tabId) &&
    (q.origin === undefined || d.origins[i] === q.origin) &&
    (q.category === undefined || d.categories[i] === q.category) &&
    (q.kind === undefined || d.kinds[i] === q.kind) &&
    (q.name === undefined || d.names[i] === q.name) &&
    (q.statuses === undefined || q.statuses.includes(d.statuses[i]!)) &&
    (q.acceptOrigin === undefined || q.acceptOrigin(d.origins[i]!))
  );
}

/** One digest's counts, made once per digest object (a written chunk gets a new digest). */
interface DigestCounts {
  names: Map<string, number>;
  statuses: Record<DeliveryStatus, number>;
  bytes: number;
  waitingByOrigin: Map<string, number>;
  origins: Set<string>;
  categories: Set<string>;
}
const counted = new WeakMap<Digest, DigestCounts>();
function countsOf(d: Digest): DigestCounts {
  let c = counted.get(d);
  if (c) return c;
  c = { names: new Map(), statuses: { queued: 0, retrying: 0, sent: 0, dropped: 0 }, bytes: 0, waitingByOrigin: new Map(), origins: new Set(), categories: new Set() };
  for (let i = 0; i < d.ids.length; i++) {
    const status = d.statuses[i]!;
    c.statuses[status]++;
    c.bytes += d.bytes[i]!;
    c.names.set(d.names[i]!, (c.names.get(d.names[i]!) ?? 0) + 1);
    c.origins.add(d.origins[i]!);
    c.categories.add(d.categories[i]!);
    if (status === 'queued' || status === 'retrying') c.waitingByOrigin.set(d.origins[i]!, (c.waitingByOrigin.get(d.origins[i]!) ?? 0) + 1);
  }
  counted.set(d, c);
  return c;
}

/**
 * How many rows of a digest pass the indexed fields, from its counts when the query asks
 * for nothing or a name only (the common cases: the whole list, the Event filter), so that
 * paging far into 100 000 records walks chunks, not rows.
 */
function matchesIn(d: Digest, q: HistoryQuery): number {
  const only = (Object.keys(q) as (keyof HistoryQuery)[]).filter((key) => q[key] !== undefined);
  if (only.length === 0) return d.ids.length;
  if (only.length === 1 && q.name !== undefined) return countsOf(d).names.get(q.name) ?? 0;
  let n = 0;
  for (let i = 0; i < d.ids.length; i++) if (rowMatches(d, i, q)) n++;
  return n;
}

/** A row of a digest: which chunk, which record in it. */
export interface RowRef {
  key: string;
  index: number;
}

/**
 * The rows passing the indexed fields, newest first: chunks by key from the last, records
 * in a chunk from the last (chunks hold records in id order; ids are UUID v7, so that is
 * creation order). `digests` must be in key order.
 */
export function* candidates(digests: readonly Digest[], q: HistoryQuery): Generator<RowRef> {
  for (let c = digests.length - 1; c >= 0; c--) {
    const d = digests[c]!;
    for (let i = d.ids.length - 1; i >= 0; i--) if (rowMatches(d, i, q)) yield { key: d.key, index: i };
  }
}

/** Counts over all of history, for the viewer's counters and filter menus. */
export interface HistoryTally {
  total: number;
  bytes: number;
  byStatus: Record<DeliveryStatus, number>;
  /** Queued and retrying records per origin: held or waiting, as the sending rule decides. */
  waitingByOrigin: Record<string, number>;
  origins: string[];
  categories: string[];
  /** Distinct event names, most frequent first. */
  names: { name: string; count: number }[];
}

export function tally(digests: Iterable<Digest>): HistoryTally {
  const byStatus: Record<DeliveryStatus, number> = { queued: 0, retrying: 0, sent: 0, dropped: 0 };
  const waitingByOrigin: Record<string, number> = {};
  const origins = new Set<string>();
  const categories = new Set<string>();
  const names = new Map<string, number>();
  let total = 0;
  let bytes = 0;
  for (const d of digests) {
    const c = countsOf(d);
    total += d.ids.length;
    bytes += c.bytes;
    for (const status of Object.keys(byStatus) as DeliveryStatus[]) byStatus[status] += c.statuses[status];
    for (const [origin, n] of c.waitingByOrigin) waitingByOrigin[origin] = (waitingByOrigin[origin] ?? 0) + n;
    for (const origin of c.origins) origins.add(origin);
    for (const category of c.categories) categories.add(category);
    for (const [name, n] of c.names) names.set(name, (names.get(name) ?? 0) + n);
  }
  return {
    total,
    bytes,
    byStatus,
    waitingByOrigin,
    origins: [...origins].sort(),
    categories: [...categories].sort(),
    names: [...names].map(([name, count]) => ({ name, count })).sort((a, b) => b.count - a.count || (a.name < b.name ? -1 : 1)),
  };
}

/**
 * Which records to trim so history fits `max` records and `maxBytes`: delivered and dropped
 * ones, oldest chunk first (digests in key order; `held` has history's totals, and is left
 * with what remains).
 * A queued record is never trimmed (it has yet to be sent). Reads digests only as far as needed.
 */
export function trimVictims(digests: Iterable<Digest>, held: { count: number; bytes: number }, max: number, maxBytes: number): Map<string, Set<string>> {
  const victims = new Map<string, Set<string>>();
  let { count, bytes } = held;
  for (const d of digests) {
    if (count <= max && bytes <= maxBytes) break;
    for (let i = 0; i < d.ids.length && (count > max || bytes > maxBytes); i++) {
      const status = d.statuses[i];
      if (status !== 'sent' && status !== 'dropped') continue;
      (victims.get(d.key) ?? victims.set(d.key, new Set()).get(d.key)!).add(d.ids[i]!);
      count--;
      bytes -= d.bytes[i]!;
    }
  }
  held.count = count;
  held.bytes = bytes;
  return victims;
}

/** Reads whole chunks by key (records in the chunk's order). */
export type ReadChunks = (keys: string[]) => Promise<Map<string, HistoryRecord[]>>;

/** Chunks read at a time when `match` has to look at the records. */
const READ_SLICE = 20;

/**
 * The window [offset, offset + limit) of the records matching `q`, newest first, and how
 * many match in all. Without `match` only the window's chunks are read; with it, every
 * chunk holding a candidate is (a search over properties reads what it searches).
 */
export async function pageOf(digests: readonly Digest[], q: HistoryQuery, offset: number, limit: number, read: ReadChunks): Promise<HistoryPage> {
  const end = offset + Math.max(0, limit);
  if (!q.match) {
    // Chunks newest first: counted whole until the window, walked row by row only where
    // the window falls.
    let total = 0;
    const window: RowRef[] = [];
    for (let c = digests.length - 1; c >= 0; c--) {
      const d = digests[c]!;
      const n = matchesIn(d, q);
      if (n > 0 && total < end && total + n > offset) {
        let at = total;
        for (let i = d.ids.length - 1; i >= 0 && at < end; i--) {
          if (!rowMatches(d, i, q)) continue;
          if (at >= offset) window.push({ key: d.key, index: i });
          at++;
        }
      }
      total += n;
    }
    const chunks = await read([...new Set(window.map((r) => r.key))]);
    return { total, offset, records: window.map((r) => chunks.get(r.key)?.[r.index]).filter((r): r is HistoryRecord => r !== undefined) };
  }
  let total = 0;
  const records: HistoryRecord[] = [];
  await scanOf(digests, q, read, (slice) => {
    for (const record of slice) {
      if (total >= offset && total < end) records.push(record);
      total++;
    }
  });
  return { total, offset, records };
}

/**
 * Every record matching `q`, newest first, handed to `visit` a slice of chunks at a time, so
 * a pass over all of history (the plan's coverage) holds a few chunks in memory, not 100 000 records.
 */
export async function scanOf(digests: readonly Digest[], q: HistoryQuery, read: ReadChunks, visit: (records: HistoryRecord[]) => void): Promise<void> {
  const byChunk = new Map<string, number[]>();
  for (const ref of candidates(digests, q)) (byChunk.get(ref.key) ?? byChunk.set(ref.key, []).get(ref.key)!).push(ref.index);
  const keys = [...byChunk.keys()];
  for (let s = 0; s < keys.length; s += READ_SLICE) {
    const slice = keys.slice(s, s + READ_SLICE);
    const chunks = await read(slice);
    const matching: HistoryRecord[] = [];
    for (const key of slice) {
      const chunk = chunks.get(key) ?? [];
      for (const index of byChunk.get(key)!) {
        const record = chunk[index];
        if (record && (!q.match || q.match(record))) matching.push(record);
      }
    }
    visit(matching);
  }
}
