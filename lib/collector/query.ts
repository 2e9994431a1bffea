import { SERVER_REFERRER } from '../event';
import { isPlainObject } from '../json';
import type { WireEvent } from '../wire/events';
import type { ReceivedEvent } from './store';

/**
 * The test API's questions over received events: which match a filter (GET /events), which
 * match a partial event (POST /wait), and, when none do, which came closest and how they
 * differ, so a failing test says at once what is wrong.
 */

/** Where an event came from: the browser extension, or a server SDK (whose page referrer says so). */
export type EventSource = 'browser' | 'server';

export function sourceOf(event: WireEvent): EventSource {
  return event.page_data?.referrer === SERVER_REFERRER ? 'server' : 'browser';
}

/** GET /__collector/events?event_name=…&event_type=…&category=…&distinct_id=…&session_id=…&since=…&source=…&limit=… */
export interface EventFilter {
  event_name?: string;
  event_type?: string;
  category?: string;
  /** The event's user_id, which is the distinct id until identify. `user_id` is the same filter. */
  distinct_id?: string;
  session_id?: string;
  /** Received at or after this time (epoch ms or an ISO date). */
  since?: number;
  source?: EventSource;
  /** The newest `limit` of the matching events (still in arrival order). */
  limit?: number;
}

const FILTER_KEYS = ['event_name', 'event_type', 'category', 'distinct_id', 'user_id', 'session_id', 'since', 'source', 'limit'];

/** The filter of a query string, or an error for the user naming the parameter at fault. */
export function parseFilter(params: URLSearchParams): { filter: EventFilter } | { error: string } {
  const filter: EventFilter = {};
  for (const key of params.keys()) if (!FILTER_KEYS.includes(key)) return { error: `unknown filter ${key}; use ${FILTER_KEYS.join(', ')}` };
  for (const key of ['event_name', 'event_type', 'category', 'session_id'] as const) {
    const value = params.get(key);
    if (value !== null) filter[key] = value;
  }
  const distinct = params.get('distinct_id') ?? params.get('user_id');
  if (distinct !== null) filter.distinct_id = distinct;
  const source = params.get('source');
  if (source !== null) {
    if (source !== 'browser' && source !== 'server') return { error: 'source must be "browser" or "server"' };
    filter.source = source;
  }
  const since = params.get('since');
  if (since !== null) {
    const time = /^\d+$/.test(since) ? Number(since) : Date.parse(since);
    if (Number.isNaN(time)) return { error: `since must be epoch milliseconds or an ISO date, not ${JSON.stringify(since)}` };
    filter.since = time;
  }
  const limit = params.get('limit');
  if (limit !== null) {
    if (!/^\d+$/.test(limit) || Number(limit) < 1) return { error: `limit must be a whole number above 0, not ${JSON.stringify(limit)}` };
    filter.limit = Number(limit);
  }
  return { filter };
}

export function matchesFilter(item: ReceivedEvent, filter: EventFilter): boolean {
  const e = item.event;
  return (
    (filter.event_name === undefined || e.event_name === filter.event_name) &&
    (filter.event_type === undefined || e.event_type === filter.event_type) &&
    (filter.category === undefined || e.event_category === filter.category) &&
    (filter.distinct_id === undefined || e.user_id === filter.distinct_id) &&
    (filter.session_id === undefined || e.session_id === filter.session_id) &&
    (filter.since === undefined || item.receivedAt >= filter.since) &&
    (filter.source === undefined || sourceOf(e) === filter.source)
  );
}

export function filterEvents(items: readonly ReceivedEvent[], filter: EventFilter): ReceivedEvent[] {
  const matching = items.filter((item) => matchesFilter(item, filter));
  return filter.limit === undefined ? matching : matching.slice(-filter.limit);
}

/**
 * A partial wire event: top-level fields compare deep-equal; the object fields
 * (`custom_properties`, `auto_event_data`, `page_data`, `element_data`) compare key by key,
 * each given key deep-equal, others ignored. `source` is accepted too.
 *
 * @example { event_name: 'checkout_completed', custom_properties: { amount_cents: 5800 } }
 */
export type EventMatch = Partial<Omit<WireEvent, 'custom_properties' | 'auto_event_data' | 'page_data' | 'element_data'>> & {
  custom_properties?: Record<string, unknown>;
  auto_event_data?: Record<string, unknown>;
  page_data?: Record<string, unknown>;
  element_data?: Record<string, unknown>;
  source?: EventSource;
};

const OBJECT_FIELDS = ['custom_properties', 'auto_event_data', 'page_data', 'element_data', 'override_data'];
const SCALAR_FIELDS = ['event_id', 'timestamp', 'event_type', 'event_name', 'event_category', 'session_id', 'user_id', 'source'];

/** Why a body's `match` cannot be used, or null. */
export function matchProblem(match: unknown): string | null {
  if (!isPlainObject(match)) return 'match must be an object, e.g. { "event_name": "signup_completed" }';
  for (const [key, value] of Object.entries(match)) {
    if (OBJECT_FIELDS.includes(key)) {
      if (!isPlainObject(value)) return `match.${key} must be an object`;
    } else if (!SCALAR_FIELDS.includes(key)) return `match.${key} is not a field of an event; use ${[...SCALAR_FIELDS, ...OBJECT_FIELDS].join(', ')}`;
  }
  return null;
}

/** One way a received event differs from a match: `actual` is absent when the event lacks the key. */
export interface Difference {
  path: string;
  expected: unknown;
  actual?: unknown;
}

export function differences(event: WireEvent, match: EventMatch): Difference[] {
  const out: Difference[] = [];
  const fields = event as unknown as Record<string, unknown>;
  for (const [key, expected] of Object.entries(match)) {
    if (OBJECT_FIELDS.includes(key)) {
      const actual = isPlainObject(fields[key]) ? (fields[key] as Record<string, unknown>) : {};
      for (const [inner, value] of Object.entries(expected as Record<string, unknown>)) {
        if (!deepEqual(actual[inner], value)) out.push(inner in actual ? { path: `${key}.${inner}`, expected: value, actual: actual[inner] } : { path: `${key}.${inner}`, expected: value });
      }
    } else {
      const actual = key === 'source' ? sourceOf(event) : fields[key];
      if (!deepEqual(actual, expected)) out.push({ path: key, expected, actual });
    }
  }
  return out;
}

export const matches = (event: WireEvent, match: EventMatch) => differences(event, match).length === 0;

/** The received events nearest to a match: same name first, then fewest differences; newest first among equals. */
export function closest(items: readonly ReceivedEvent[], match: EventMatch, count = 3): { event: WireEvent; differences: Difference[] }[] {
  const scored = items.map((item, index) => {
    const diff = differences(item.event, match);
    const nameDiffers = match.event_name !== undefined && item.event.event_name !== match.event_name;
    return { event: item.event, differences: diff, score: (nameDiffers ? 1000 : 0) + diff.length, index };
  });
  scored.sort((a, b) => a.score - b.score || b.index - a.index);
  return scored.slice(0, count).map(({ event, differences }) => ({ event, differences }));
}

/** How many events of each name, for "the names seen" when nothing came close. */
export function countByName(items: readonly ReceivedEvent[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { event } of items) counts[event.event_name] = (counts[event.event_name] ?? 0) + 1;
  return counts;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((value, i) => deepEqual(value, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => key in b && deepEqual(a[key], b[key]));
  }
  return false;
}
