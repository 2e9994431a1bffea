import { isPlainObject, type JsonObject } from './json';
import type { CallOp } from './wire/ops';

/**
 * One captured event as it travels page → bridge → worker → viewer. Every field is set by
 * the tracker at `track()` time; the wire shape sent to Trodo is derived from it in
 * `lib/wire/events.ts` and nowhere else.
 *
 * @example
 * { id: '0192…', time: 1732540800000, kind: 'custom', name: 'signup_completed',
 *   category: 'custom', sessionId: 's…', distinctId: 'anon-…', properties: { plan: 'pro' },
 *   page: { url: 'https://shop.test/pricing', path: '/pricing', … } }
 */
export interface TrodoEvent {
  /** UUID v7, from birth: the key in every store and the collector's dedupe key. */
  id: string;
  /** When the event happened, epoch ms (`options.timestamp` when the caller gave one). */
  time: number;
  kind: 'custom' | 'auto';
  name: string;
  category: string;
  sessionId: string;
  distinctId: string;
  properties: JsonObject;
  autoData?: JsonObject;
  element?: JsonObject;
  page: PageData;
  /** What the tracker changed in the caller's input (stripped names, converted values). Never sent. */
  notes?: string[];
  /**
   * The device's user id, sent as `user_id` (the official SDK's persistent user id; the
   * distinct id travels in the session record and identify). Absent: `distinctId` is sent.
   */
  userId?: string;
  /**
   * Set when this is not an event but an API call queued like one (identify, people.set,
   * a session record, …): the operation. Its arguments are `properties`; `lib/wire/calls.ts`
   * shapes the request. Calls share the queue so they stay in order with the events around them.
   */
  call?: CallOp;
}

/** Page context the tracker fills on every event; callers cannot override it. */
export interface PageData {
  url: string;
  path: string;
  title: string;
  referrer: string | null;
  screenWidth: number;
  screenHeight: number;
  viewportWidth: number;
  viewportHeight: number;
  dpi: number;
}

/**
 * The page context of an event sent from a server (the Node SDK): there is no page, and the
 * referrer is "server", as Trodo's server SDKs record their synthetic sessions.
 */
export const SERVER_REFERRER = 'server';
export const SERVER_PAGE: Readonly<PageData> = Object.freeze({
  url: '', path: '', title: '', referrer: SERVER_REFERRER, screenWidth: 0, screenHeight: 0, viewportWidth: 0, viewportHeight: 0, dpi: 0,
});

export const MAX_EVENT_NAME_LENGTH = 255;
/** The largest epoch-ms magnitude a Date can hold; beyond it toISOString() throws. */
export const MAX_TIME = 8.64e15;

export function isEventTime(time: unknown): time is number {
  return typeof time === 'number' && Number.isFinite(time) && Math.abs(time) <= MAX_TIME;
}
export const DEFAULT_CATEGORY = 'custom';

/**
 * Property names the tracker fills itself as page data (Trodo's docs). A caller's property
 * with one of these names, in any case, is stripped and noted.
 */
export const RESERVED_PROPERTY_NAMES: ReadonlySet<string> = new Set([
  'page', 'full_url', 'current_url', 'uri', 'referrer', 'user_agent', 'language',
  'screen_width', 'screen_height', 'viewport_width', 'viewport_height', 'dpi',
  'timestamp', 'page_title', 'title', 'url', 'href',
]);

export function isReservedPropertyName(name: string): boolean {
  return RESERVED_PROPERTY_NAMES.has(name.toLowerCase());
}

/** Why an event name is unusable, or null when it is fine. */
export function eventNameProblem(name: unknown): string | null {
  if (typeof name !== 'string') return `event name must be a string, got ${typeName(name)}`;
  if (name.trim() === '') return 'event name must not be empty';
  if (name.length > MAX_EVENT_NAME_LENGTH) {
    return `event name is ${name.length} characters; the limit is ${MAX_EVENT_NAME_LENGTH}`;
  }
  return null;
}

/** Why a category is unusable, or null. Categories follow the event-name rules. */
export function categoryProblem(category: unknown): string | null {
  const problem = eventNameProblem(category);
  return problem && problem.replace('event name', 'category');
}

export function typeName(value: unknown): string {
  if (value === null) return 'null';
  try {
    if (Array.isArray(value)) return 'array';
  } catch {
    // A revoked Proxy: Array.isArray throws on it.
  }
  return typeof value;
}

/** `options.category` of a track call, or the default with a note saying why it was not used. */
export function eventCategory(options: unknown, notes: string[]): string {
  const category = isPlainObject(options) ? options.category : undefined;
  if (category === undefined) return DEFAULT_CATEGORY;
  const problem = categoryProblem(category);
  if (!problem) return category as string;
  // Not push: in the page, Array.prototype.push may be patched by the site (the tracker calls this).
  notes[notes.length] = `${problem}; used "${DEFAULT_CATEGORY}"`;
  return DEFAULT_CATEGORY;
}

/** `options.timestamp` (a Date, epoch ms or a date string) as epoch ms, or now with a note. */
export function eventTime(options: unknown, notes: string[], now: () => number): number {
  const given = isPlainObject(options) ? options.timestamp : undefined;
  if (given === undefined) return now();
  const time = given instanceof Date ? given.getTime() : typeof given === 'string' ? Date.parse(given) : given;
  if (isEventTime(time)) return time;
  notes[notes.length] = 'options.timestamp is not a valid date; used the current time';
  return now();
}
