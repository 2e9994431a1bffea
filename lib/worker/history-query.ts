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
  /** Browser events (the tabs') or the collector's stream's (`server`). */
  source?: 'browser' | 'server';
  /** Read-the-record test, applied after the indexed fields. */
  match?: (record: HistoryRecord) => boolean;
  /**
   * With `tabId`: the tab's session and distinct ids, so that the server events of its
   * sessions or users belong to it too (a backend that tracked through `forRequest` for this
   * tab's calls). Worked out from the digests by `scoped`; never set by a caller.
   */
  tabScope?: { sessions: ReadonlySet<string>; people: ReadonlySet<string> };
}

/** One window of history, newest first, and how many records match in all. */
export interface HistoryPage {
  total: number;
  offset: number;
  records: HistoryRecord[];
}

/**
 * What a chunk of history holds, one entry per record in the chunk's order, kept next to
 * the chunk and written with it. Small (no properties) and packed in columns: the strings
 * are listed once in `words` and each record holds their numbers, in typed arrays, which
 * IndexedDB reads back as whole buffers. Reading 100 000 records' digests as arrays of
 * strings took 135–350 ms in Chromium (12 MB of small values); packed, a fraction of that.
 */
export interface Digest {
  key: string;
  /** Records in the chunk. */
  n: number;
  /** The records' ids as a JSON array, parsed only when ids are needed (a trim, a rewrite). */
  ids: string;
  /** Distinct names, origins, categories, statuses and kinds of the chunk. */
  words: string[];
  names: Uint16Array;
  origins: Uint16Array;
  categories: Uint16Array;
  statuses: Uint16Array;
  kinds: Uint16Array;
  /** Tab ids; NaN for none. */
  tabs: Float64Array;
  /** 1 for a server record (the collector's stream), 0 for the tabs'. */
  sources: Uint8Array;
  /** Session and distinct ids, as numbers of `words`: a tab's server events are found by them. */
  sessions: Uint16Array;
  people: Uint16Array;
  /** eventBytes of each record: history's byte bound. */
  bytes: Uint32Array;
}

/** The digest of a chunk's records; sizes already measured (`known`'s, and `sizes`, by id) are reused. */
export function digestOf(key: string, records: readonly HistoryRecord[], known?: Digest, more?: ReadonlyMap<string, number>): Digest {
  const sizes = known ? new Map(idsOf(known).map((id, i) => [id, known.bytes[i]!])) : null;
  const words: string[] = [];
  const codes = new Map<string, number>();
  const code = (word: string) => codes.get(word) ?? (codes.set(word, words.push(word) - 1), words.length - 1);
  const column = (pick: (r: HistoryRecord) => string) => Uint16Array.from(records, (r) => code(pick(r)));
  return {
    key,
    n: records.length,
    ids: JSON.stringify(records.map((r) => r.id)),
    names: column((r) => r.event.name),
    origins: column((r) => r.origin),
    categories: column((r) => r.event.category),
    statuses: column((r) => r.status),
    kinds: column((r) => r.event.kind),
    words,
    tabs: Float64Array.from(records, (r) => r.tabId ?? Number.NaN),
    sources: Uint8Array.from(records, (r) => (r.source === 'server' ? 1 : 0)),
    sessions: column((r) => r.event.sessionId),
    people: column((r) => r.event.distinctId),
    bytes: Uint32Array.from(records, (r) => sizes?.get(r.id) ?? more?.get(r.id) ?? eventBytes(r)),
  };
}

/**
 * The digest with some records' statuses changed, the rest shared: a settling write changes
 * a chunk's statuses without reading or rewriting its records (chunk-store.ts).
 */
export function withStatuses(d: Digest, statuses: ReadonlyMap<string, DeliveryStatus>): Digest {
  const words = [...d.words];
  const column = d.statuses.slice();
  const ids = idsOf(d);
  ids.forEach((id, i) => {
    const status = statuses.get(id);
    if (status === undefined) return;
    const code = words.indexOf(status);
    column[i] = code >= 0 ? code : words.push(status) - 1;
  });
  const next = { ...d, words, statuses: column };
  parsedIds.set(next, ids);
  return next;
}

const parsedIds = new WeakMap<Digest, string[]>();
/** The ids of a digest's records, in chunk order. */
export function idsOf(d: Digest): string[] {
  let ids = parsedIds.get(d);
  if (!ids) parsedIds.set(d, (ids = JSON.parse(d.ids) as string[]));
  return ids;
}

const statusOf = (d: Digest, i: number) => d.words[d.statuses[i]!] as DeliveryStatus;

/**
 * The test of the query's indexed fields for one digest's rows, with the query's strings
 * turned into the digest's numbers once; null when no row of the digest can match.
 */
export function rowTest(d: Digest, q: HistoryQuery): ((i: number) => boolean) | null {
  const codeOf = (word: string | undefined) => (word === undefined ? -1 : d.words.indexOf(word));
  const name = codeOf(q.name);
  const origin = codeOf(q.origin);
  const category = codeOf(q.category);
  const kind = codeOf(q.kind);
  if ((q.name !== undefined && name < 0) || (q.origin !== undefined && origin < 0) || (q.category !== undefined && category < 0) || (q.kind !== undefined && kind < 0)) return null;
  const statuses = q.statuses && new Set(q.statuses.map((s) => d.words.indexOf(s)).filter((c) => c >= 0));
  if (statuses && statuses.size === 0) return null;
  const accepted = new Map<number, boolean>();
  const accept = q.acceptOrigin;
  const source = q.source === undefined ? -1 : q.source === 'server' ? 1 : 0;
  // The tab's sessions and users as this digest's numbers: its server rows that carry one are the tab's.
  const codes = (values: ReadonlySet<string> | undefined) => new Set(d.words.flatMap((w, code) => (values?.has(w) ? [code] : [])));
  const sessions = codes(q.tabScope?.sessions);
  const people = codes(q.tabScope?.people);
  const inTab = (i: number) =>
    d.tabs[i] === q.tabId || (d.sources?.[i] === 1 && (sessions.has(d.sessions[i]!) || people.has(d.people[i]!)));
  return (i) =>
    (q.tabId === undefined || inTab(i)) &&
    (source < 0 || (d.sources?.[i] ?? 0) === source) &&
    (origin < 0 || d.origins[i] === origin) &&
    (category < 0 || d.categories[i] === category) &&
    (kind < 0 || d.kinds[i] === kind) &&
    (name < 0 || d.names[i] === name) &&
    (!statuses || statuses.has(d.statuses[i]!)) &&
    (!accept || (accepted.get(d.origins[i]!) ?? accepted.set(d.origins[i]!, accept(d.words[d.origins[i]!]!)).get(d.origins[i]!)!));
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
  // Counted by word number first (typed arrays, no string hashing per row), named after.
  const per = (column: Uint16Array) => {
    const counts = new Uint32Array(d.words.length);
    for (let i = 0; i < d.n; i++) counts[column[i]!]!++;
    return counts;
  };
  const each = (counts: Uint32Array, visit: (word: string, n: number) => void) => counts.forEach((n, code) => n && visit(d.words[code]!, n));
  each(per(d.statuses), (status, n) => (c.statuses[status as DeliveryStatus] += n));
  each(per(d.names), (name, n) => c.names.set(name, n));
  each(per(d.origins), (origin) => c.origins.add(origin));
  each(per(d.categories), (category) => c.categories.add(category));
  for (let i = 0; i < d.n; i++) {
    c.bytes += d.bytes[i]!;
    const status = statusOf(d, i);
    if (status === 'queued' || status === 'retrying') {
      const origin = d.words[d.origins[i]!]!;
      c.waitingByOrigin.set(origin, (c.waitingByOrigin.get(origin) ?? 0) + 1);
    }
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
  if (only.length === 0) return d.n;
  if (only.length === 1 && q.name !== undefined) return countsOf(d).names.get(q.name) ?? 0;
  const test = rowTest(d, q);
  let n = 0;
  if (test) for (let i = 0; i < d.n; i++) if (test(i)) n++;
  return n;
}

/** `q` with the tab's sessions and users worked out from the digests (see HistoryQuery.tabScope). */
export function scoped(digests: readonly Digest[], q: HistoryQuery): HistoryQuery {
  if (q.tabId === undefined || q.tabScope) return q;
  const sessions = new Set<string>();
  const people = new Set<string>();
  for (const d of digests) {
    for (let i = 0; i < d.n; i++) {
      if (d.tabs[i] !== q.tabId || !d.sessions) continue;
      sessions.add(d.words[d.sessions[i]!]!);
      people.add(d.words[d.people[i]!]!);
    }
  }
  return { ...q, tabScope: { sessions, people } };
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
export function* candidates(digests: readonly Digest[], query: HistoryQuery): Generator<RowRef> {
  const q = scoped(digests, query);
  for (let c = digests.length - 1; c >= 0; c--) {
    const d = digests[c]!;
    const test = rowTest(d, q);
    if (test) for (let i = d.n - 1; i >= 0; i--) if (test(i)) yield { key: d.key, index: i };
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
    total += d.n;
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
    for (let i = 0; i < d.n && (count > max || bytes > maxBytes); i++) {
      const status = statusOf(d, i);
      if (status !== 'sent' && status !== 'dropped') continue;
      (victims.get(d.key) ?? victims.set(d.key, new Set()).get(d.key)!).add(idsOf(d)[i]!);
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
export async function pageOf(digests: readonly Digest[], query: HistoryQuery, offset: number, limit: number, read: ReadChunks): Promise<HistoryPage> {
  const q = scoped(digests, query);
  const end = offset + Math.max(0, limit);
  if (!q.match) {
    // Chunks newest first: counted whole until the window, walked row by row only where
    // the window falls.
    let total = 0;
    const window: RowRef[] = [];
    for (let c = digests.length - 1; c >= 0; c--) {
      const d = digests[c]!;
      const n = matchesIn(d, q);
      const test = n > 0 && total < end && total + n > offset ? rowTest(d, q) : null;
      if (test) {
        let at = total;
        for (let i = d.n - 1; i >= 0 && at < end; i--) {
          if (!test(i)) continue;
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
