import type { PageData, TrodoEvent } from '../event';
import type { Json, JsonObject } from '../json';
import { isPlainObject } from '../json';

/**
 * Every byte that goes to Trodo's ingestion API is shaped here: paths, headers, bodies and
 * how answers are read. The official `trodo` SDK posts one event at a time to
 * `/api/events`; this extension batches to `/api/events/bulk` and adds `event_id` and
 * `timestamp` so that retries can be deduplicated.
 */
export const PATHS = {
  bulk: '/api/events/bulk',
  event: '/api/events',
  session: '/api/sdk/track',
  identify: '/api/sdk/identify',
  reset: '/api/sdk/reset',
  people: '/api/sdk/people/', // + op
  groups: '/api/sdk/groups/', // + op
} as const;

export const SITE_ID_HEADER = 'X-Trodo-Site-Id';
/** The Node SDK's User-Agent: how the local collector tells its events from the extension's. */
export const NODE_SDK_USER_AGENT = 'trodo-qa-node';

/** One event as Trodo's events API takes it (the official SDK's shape plus id and time). */
export interface WireEvent {
  event_id: string;
  timestamp: string;
  event_type: 'custom' | 'auto';
  event_name: string;
  event_category: string;
  session_id: string;
  user_id: string;
  custom_properties: JsonObject;
  auto_event_data: JsonObject;
  page_data: {
    current_url: string;
    page_title: string;
    uri: string;
    referrer: string | null;
    screen_width: number;
    screen_height: number;
    viewport_width: number;
    viewport_height: number;
    dpi: number;
  };
  element_data?: JsonObject;
  /** The official SDK's per-event session context: UTM parameters of the page, referrer, wallet. */
  override_data?: JsonObject;
}

export function toWireEvent(event: TrodoEvent): WireEvent {
  const { page } = event;
  const wire: WireEvent = {
    event_id: event.id,
    timestamp: new Date(event.time).toISOString(),
    event_type: event.kind,
    event_name: event.name,
    event_category: event.category,
    session_id: event.sessionId,
    user_id: event.userId ?? event.distinctId,
    custom_properties: event.properties,
    auto_event_data: event.autoData ?? {},
    page_data: wirePageData(page),
  };
  if (event.element) wire.element_data = event.element;
  wire.override_data = { wallet_address: null, is_web3_user: false, ...utmOf(page.url), referrer: page.referrer ?? 'direct' };
  return wire;
}

/**
 * A wire event read back (from the local collector's stream) as the extension keeps events.
 * The wire has no distinct id apart from `user_id`, which is what a server SDK sends it as.
 */
export function fromWireEvent(wire: WireEvent): TrodoEvent {
  const page = wire.page_data;
  const event: TrodoEvent = {
    id: wire.event_id,
    time: Date.parse(wire.timestamp),
    kind: wire.event_type,
    name: wire.event_name,
    category: wire.event_category,
    sessionId: wire.session_id,
    distinctId: wire.user_id,
    properties: wire.custom_properties,
    autoData: wire.auto_event_data,
    page: {
      url: page.current_url ?? '', path: page.uri ?? '', title: page.page_title ?? '', referrer: page.referrer ?? null,
      screenWidth: page.screen_width ?? 0, screenHeight: page.screen_height ?? 0, viewportWidth: page.viewport_width ?? 0, viewportHeight: page.viewport_height ?? 0, dpi: page.dpi ?? 0,
    },
  };
  if (wire.element_data) event.element = wire.element_data;
  return event;
}

/** The page data as Trodo's events API names it. */
export function wirePageData(page: PageData): WireEvent['page_data'] {
  return {
    current_url: page.url,
    page_title: page.title,
    uri: page.path,
    referrer: page.referrer,
    screen_width: page.screenWidth,
    screen_height: page.screenHeight,
    viewport_width: page.viewportWidth,
    viewport_height: page.viewportHeight,
    dpi: page.dpi,
  };
}

/** The six UTM parameters of a URL, null when absent (the official SDK's fields). */
export function utmOf(url: string): JsonObject {
  let params: URLSearchParams | null = null;
  try {
    // No URL (a server event): no parsing, whose exception is costly at 50 000 events/s.
    if (url) params = new URL(url).searchParams;
  } catch {
    // not a URL: no UTM parameters
  }
  const out: JsonObject = {};
  for (const key of ['utm_source', 'utm_medium', 'utm_campaign', 'utm_term', 'utm_content', 'utm_id']) out[key] = params?.get(key) ?? null;
  return out;
}

export interface HttpRequest {
  url: string;
  method: 'POST';
  headers: Record<string, string>;
  body: string;
}

/** The request that delivers one batch. */
export function bulkRequest(apiHost: string, siteId: string, events: readonly TrodoEvent[]): HttpRequest {
  return bulkRequestOf(apiHost, siteId, events.map(toWireEvent));
}

/** The request that delivers one batch already encoded (the worker encodes each event once, and drops those that cannot be). */
export function bulkRequestOf(apiHost: string, siteId: string, events: readonly WireEvent[]): HttpRequest {
  return {
    url: joinUrl(apiHost, PATHS.bulk),
    method: 'POST',
    headers: { 'Content-Type': 'application/json', [SITE_ID_HEADER]: siteId },
    body: JSON.stringify({ events }),
  };
}

/**
 * The request that delivers one event alone, as Trodo's server SDKs do without batching
 * (the body is the same wire event as in a bulk body).
 */
export function eventRequest(apiHost: string, siteId: string, event: TrodoEvent): HttpRequest {
  return {
    url: joinUrl(apiHost, PATHS.event),
    method: 'POST',
    headers: { 'Content-Type': 'application/json', [SITE_ID_HEADER]: siteId },
    body: JSON.stringify(toWireEvent(event)),
  };
}

export function joinUrl(apiHost: string, path: string): string {
  return apiHost.replace(/\/+$/, '') + path;
}

/** Why a value is not a well-formed wire event, or null. Used by the local collector. */
export function wireEventProblem(value: unknown): string | null {
  if (!isPlainObject(value)) return 'event is not an object';
  const strings = ['event_id', 'timestamp', 'event_name', 'event_category', 'session_id', 'user_id'] as const;
  for (const key of strings) {
    if (typeof value[key] !== 'string' || value[key] === '') return `${key} must be a non-empty string`;
  }
  if (value.event_type !== 'custom' && value.event_type !== 'auto') return 'event_type must be "custom" or "auto"';
  if (Number.isNaN(Date.parse(value.timestamp as string))) return 'timestamp is not a date';
  if ((value.event_name as string).length > 255) return 'event_name is longer than 255 characters';
  for (const key of ['custom_properties', 'auto_event_data', 'page_data'] as const) {
    if (!isPlainObject(value[key])) return `${key} must be an object`;
  }
  if (value.element_data !== undefined && !isPlainObject(value.element_data)) return 'element_data must be an object';
  return null;
}

/**
 * Ids the server says it rejected, when a 400/422 answer names them as
 * `{ "invalid": [{ "event_id": "…", "reason": "…" }] }`.
 */
export function rejectedEventIds(body: Json | undefined): Map<string, string> {
  const rejected = new Map<string, string>();
  if (!isPlainObject(body) || !Array.isArray(body.invalid)) return rejected;
  for (const item of body.invalid) {
    if (isPlainObject(item) && typeof item.event_id === 'string') {
      rejected.set(item.event_id, typeof item.reason === 'string' ? item.reason : 'rejected by the server');
    }
  }
  return rejected;
}
