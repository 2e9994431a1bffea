import { SERVER_REFERRER, type TrodoEvent } from '../event';
import type { JsonObject } from '../json';
import { PATHS, SITE_ID_HEADER, bulkRequest, eventRequest, joinUrl, utmOf, type HttpRequest } from './events';
import type { CallOp } from './ops';

/**
 * The wire format of everything that is not a plain event: session records, identity,
 * user profiles (people) and groups. The tracker queues these as `TrodoEvent`s with a
 * `call` (the operation) and its arguments in `properties`; this module turns one into
 * the request the official `trodo` SDK (2.0.0) would make, byte for byte in paths and
 * body keys. Only the worker builds requests, so the site id comes from its settings.
 */
/** Extra header on every call request: the queue item's id, for deduplication. */
export const CALL_ID_HEADER = 'X-Trodo-Call-Id';

export function callPath(op: CallOp): string {
  return op === 'session' ? PATHS.session : `/api/sdk/${op}`;
}

/**
 * The body of one call. identify and reset name the device's user id and the distinct id
 * separately; people and groups calls send the distinct id as `userId`, as the official
 * SDK does. Arguments follow in the official order (`properties`, `key`/`amount`, …).
 */
export function callBody(event: TrodoEvent, siteId: string): JsonObject {
  const op = event.call!;
  if (op === 'session') return { sessionData: sessionRecord(event, siteId) };
  const userId = event.userId ?? event.distinctId;
  const ids: JsonObject =
    op === 'identify' || op === 'reset'
      ? { siteId, sessionId: event.sessionId, userId, distinctId: event.distinctId }
      : { siteId, userId: event.distinctId };
  return { ...ids, ...event.properties };
}

/**
 * The session record `POST /api/sdk/track` takes (`sessionData`, the official SDK's
 * `toBackendFormat` keys). The tracker puts `started_at`, `last_activity`, `ended_at` (epoch ms),
 * `user_agent` and `language` in the call's properties; UTM parameters come from the page URL.
 * There is no IP lookup and no user-agent parsing: location and browser fields are null.
 */
export function sessionRecord(event: TrodoEvent, siteId: string): JsonObject {
  const p = event.properties;
  const num = (v: unknown) => (typeof v === 'number' ? v : null);
  const started = num(p.started_at) ?? event.time;
  const ended = num(p.ended_at);
  const last = num(p.last_activity) ?? event.time;
  const utm = utmOf(event.page.url);
  const { screenWidth, screenHeight, path } = event.page;
  const ua = typeof p.user_agent === 'string' ? p.user_agent : null;
  return {
    session_id: event.sessionId,
    site_id: siteId,
    team_id: null,
    user_id: event.userId ?? event.distinctId,
    distinct_id: event.distinctId,
    start_time: new Date(started).toISOString(),
    end_time: ended === null ? null : new Date(ended).toISOString(),
    last_activity: last,
    duration: Math.max(0, Math.round((last - started) / 1000)),
    pages_viewed: num(p.pages_viewed) ?? 1,
    is_bounce: ended === null || ended - started < 30_000,
    previous_session_id: null,
    time_since_last_session: null,
    entry_page: path,
    exit_page: path,
    referrer: event.page.referrer || 'direct',
    ip_address: null,
    city: null,
    region: null,
    country: '',
    latitude: null,
    longitude: null,
    timezone: typeof p.timezone === 'string' ? p.timezone : null,
    org: null,
    postal: null,
    ...describeAgent(ua),
    // A server SDK's synthetic session (Trodo's server SDKs record them so).
    ...(event.page.referrer === SERVER_REFERRER && { device_type: 'server' }),
    resolution: `${screenWidth}x${screenHeight}`,
    user_agent: ua,
    language: typeof p.language === 'string' ? p.language : null,
    wallet_address: null,
    // The official SDK's words for "no wallet".
    wallet_type: 'No Wallet Detected',
    chain_name: 'Not Connected',
    is_web3_user: false,
    wallet_connected: false,
    ...utm,
    visited_pages: [{ path, timestamp: new Date(started).toISOString(), mountTime: started, unmountTime: null, duration: 0, isEntry: true, isExit: true }],
    active_time_ms: null,
  };
}

/**
 * Browser, version, OS and device type from the user agent, done here rather than in the page
 * (the tracker's size budget). Null when the agent is not recognised.
 */
export function describeAgent(ua: string | null): JsonObject {
  const out: JsonObject = { browser_name: null, browser_version: null, device_type: null, os: null };
  if (!ua) return out;
  const browsers: [string, RegExp][] = [
    ['Edge', /Edg(?:e|A|iOS)?\/([\d.]+)/], ['Opera', /OPR\/([\d.]+)/], ['Firefox', /(?:Firefox|FxiOS)\/([\d.]+)/],
    ['Chrome', /(?:Chrome|CriOS)\/([\d.]+)/], ['Safari', /Version\/([\d.]+).*Safari/],
  ];
  for (const [name, pattern] of browsers) {
    const match = pattern.exec(ua);
    if (match) {
      out.browser_name = name;
      out.browser_version = match[1]!;
      break;
    }
  }
  out.os = /Windows/.test(ua) ? 'Windows' : /iPhone|iPad|iPod/.test(ua) ? 'iOS' : /Mac OS X/.test(ua) ? 'macOS' : /Android/.test(ua) ? 'Android' : /CrOS/.test(ua) ? 'ChromeOS' : /Linux/.test(ua) ? 'Linux' : null;
  out.device_type = /iPad|Tablet/.test(ua) ? 'tablet' : /Mobi|iPhone|Android/.test(ua) ? 'mobile' : 'desktop';
  return out;
}

/** The request for one call. */
export function callRequest(apiHost: string, siteId: string, event: TrodoEvent): HttpRequest {
  return {
    url: joinUrl(apiHost, callPath(event.call!)),
    method: 'POST',
    // The body has no id (the official shape); the header lets a server drop a retried
    // call it already applied — a retried increment must not count twice.
    headers: { 'Content-Type': 'application/json', [SITE_ID_HEADER]: siteId, [CALL_ID_HEADER]: event.id },
    body: JSON.stringify(callBody(event, siteId)),
  };
}

/**
 * What one queue batch is sent as: a call goes alone to its endpoint, a run of plain
 * events in one bulk request. `takeBatch` in the worker makes sure a batch is one or the other.
 */
export function requestFor(apiHost: string, siteId: string, events: readonly TrodoEvent[], single = false): HttpRequest {
  const [first] = events;
  if (first?.call) return callRequest(apiHost, siteId, first);
  // Unbatched (the Node SDK's `batchEnabled: false`): one event to /api/events.
  return single && first && events.length === 1 ? eventRequest(apiHost, siteId, first) : bulkRequest(apiHost, siteId, events);
}

/**
 * The distinct id in Trodo's answer to identify: `distinctId`, else `newDistinctId` when merged
 * (the official SDK's order of preference). Null when the answer names neither.
 */
export function identifyAnswer(body: unknown): string | null {
  if (typeof body !== 'object' || body === null) return null;
  const b = body as Record<string, unknown>;
  if (typeof b.distinctId === 'string' && b.distinctId) return b.distinctId;
  if (b.merged && typeof b.newDistinctId === 'string' && b.newDistinctId) return b.newDistinctId;
  return null;
}
