/**
 * Every message between the four contexts, in one place:
 *
 *   page tracker ⇄ bridge content script   JSON strings on a private DOM node (lib/page-channel.ts)
 *   bridge       ⇄ background worker       runtime Port "trodo-bridge"
 *   viewer       ⇄ background worker       runtime Port "trodo-viewer"
 *
 * Anything that comes from the page is untrusted: it is parsed here with size caps and a
 * full shape check before any other code sees it. Every message, on every channel, is
 * told apart by one key, `type`.
 */
import type { PageData, TrodoEvent } from './event';
import { categoryProblem, eventNameProblem, isEventTime } from './event';
import type { DeliveryState, DeliveryStats, HistoryRecord, HistorySummary, ViewStatus } from './history';
import type { Coverage } from './plan/coverage';
import type { LoadedPlan, Violation } from './plan/types';
import { isUuid } from './ids';
import { isPlainObject, type JsonObject } from './json';
import type { Settings } from './settings';
import { isCallOp } from './wire/ops';

// ── page ⇄ bridge ─────────────────────────────────────────────────────────────

export type PageToBridge =
  /** The tracker has started and wants the bridge's `ready`. */
  | { type: 'hello' }
  | { type: 'events'; events: TrodoEvent[] }
  /**
   * The page asked for `Trodo.initialized` (as Trodo's own SDK does before starting) or
   * named its site id (`init({ siteId })`, `Trodo.siteId = …`); `site` is that id, if any.
   */
  | { type: 'sdk'; site?: string };

export type BridgeToPage =
  /**
   * The bridge is listening, and the tracker sends everything unacknowledged (again): the
   * answer to `hello`, and how the bridge, which keeps no events, asks for a resend after
   * a new port or a refusal. `capture: false` means the user switched capture off,
   * `autoEvents: false` that the tracker records only what page code tracks.
   */
  | { type: 'ready'; capture: boolean; autoEvents: boolean }
  /** These events are committed in the worker's queue and may leave the page outbox. */
  | { type: 'ack'; ids: string[] }
  /** Trodo answered identify(identifyId) with this distinct id (a merge, or its own form of the id). */
  | { type: 'merge'; identifyId: string; distinctId: string }
  /** The extension was reloaded or removed: nothing is relayed any more; events wait in the page outbox. */
  | { type: 'gone' };

/**
 * How every events message from the tracker begins. The bridge forwards such a message to
 * the worker as the text it is, unparsed: parsing and checking thousands of events on the
 * page's thread was most of what a burst cost the page, and the worker checks them anyway.
 */
export const EVENTS_PREFIX = '{"type":"events","events":[';

/** The tracker's events message, from events already turned into JSON. */
export function encodeEvents(eventsJson: readonly string[]): string {
  return `${EVENTS_PREFIX}${eventsJson.join(',')}]}`;
}

/** The tracker's greeting, sent once its state has loaded (after the page's load event). */
export const HELLO = '{"type":"hello"}';

/** The tracker's `sdk` note; `stringify` is the one the tracker captured before the page could replace it. */
export function encodeSdk(site: string | undefined, stringify: (value: unknown) => string = JSON.stringify): string {
  return stringify({ type: 'sdk', site } satisfies PageToBridge);
}

export const CAPS = {
  /** Bytes of one page message (its JSON text). */
  messageBytes: 2 * 1024 * 1024,
  eventsPerMessage: 1000,
  /** Bytes of one event's JSON. */
  eventBytes: 64 * 1024,
  idLength: 255,
  notes: 50,
} as const;

/**
 * How fast one page may push events at the extension (token buckets, lib/rate-limit.ts).
 * The bridge limits each frame's bytes (it does not parse events); the worker limits each
 * tab's events, so a tab of many frames gets no more. Far above what a real page tracks (the benchmark's 10 000-event burst passes
 * untouched); a flood beyond it is refused unacknowledged, and the tracker sends it again
 * when the bridge signals ready.
 */
export const RATE = {
  frameBytes: { capacity: 32 * 1024 * 1024, perSecond: 4 * 1024 * 1024 },
  tabEvents: { capacity: 40_000, perSecond: 4_000 },
} as const;

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/**
 * Parses a page message. Events that fail the shape check are returned in `rejected`
 * with the reason, so one bad event does not sink the others.
 */
export function parsePageMessage(
  detail: unknown,
): Parsed<{ type: 'hello' } | { type: 'sdk'; site: string } | { type: 'events'; events: TrodoEvent[]; rejected: { id: string | null; error: string }[] }> {
  if (typeof detail !== 'string') return { ok: false, error: 'detail is not a string' };
  if (detail.length > CAPS.messageBytes) return { ok: false, error: `message of ${detail.length} bytes is over ${CAPS.messageBytes}` };
  let message: unknown;
  try {
    message = JSON.parse(detail);
  } catch {
    return { ok: false, error: 'detail is not JSON' };
  }
  if (!isPlainObject(message)) return { ok: false, error: 'message is not an object' };
  if (message.type === 'hello') return { ok: true, value: { type: 'hello' } };
  if (message.type === 'sdk') {
    const site = message.site ?? '';
    if (typeof site !== 'string' || site.length > CAPS.idLength) return { ok: false, error: 'sdk.site is not a short string' };
    return { ok: true, value: { type: 'sdk', site } };
  }
  if (message.type !== 'events' || !Array.isArray(message.events)) return { ok: false, error: 'unknown message type' };
  if (message.events.length > CAPS.eventsPerMessage) {
    return { ok: false, error: `${message.events.length} events in one message; at most ${CAPS.eventsPerMessage}` };
  }
  const events: TrodoEvent[] = [];
  const rejected: { id: string | null; error: string }[] = [];
  for (const candidate of message.events) {
    const error = trodoEventProblem(candidate);
    if (error) rejected.push({ id: isPlainObject(candidate) && isUuid(candidate.id) ? candidate.id : null, error });
    else events.push(candidate as TrodoEvent);
  }
  return { ok: true, value: { type: 'events', events, rejected } };
}

/**
 * Why a value from outside is not a well-formed event, or null. Never throws: the worker
 * also checks structured clones, which can hold cycles or BigInts that JSON.stringify
 * throws on (and a revoked Proxy makes even Array.isArray throw).
 */
export function trodoEventProblem(value: unknown): string | null {
  try {
    return eventProblem(value);
  } catch {
    return 'event could not be read';
  }
}

function eventProblem(value: unknown): string | null {
  if (!isPlainObject(value)) return 'event is not an object';
  if (!isUuid(value.id)) return 'id is not a UUID';
  if (!isEventTime(value.time)) return 'time is not a date in epoch milliseconds';
  if (value.kind !== 'custom' && value.kind !== 'auto') return 'kind must be "custom" or "auto"';
  const nameProblem = eventNameProblem(value.name) ?? categoryProblem(value.category);
  if (nameProblem) return nameProblem;
  for (const key of ['sessionId', 'distinctId'] as const) {
    const id = value[key];
    if (typeof id !== 'string' || id === '' || id.length > CAPS.idLength) return `${key} must be a string of 1–${CAPS.idLength} characters`;
  }
  if (!isPlainObject(value.properties)) return 'properties must be an object';
  for (const key of ['autoData', 'element'] as const) {
    if (value[key] !== undefined && !isPlainObject(value[key])) return `${key} must be an object`;
  }
  if (value.call !== undefined && !isCallOp(value.call)) return 'call is not a known operation';
  if (value.userId !== undefined && (typeof value.userId !== 'string' || value.userId.length > CAPS.idLength)) return 'userId must be a short string';
  const pageProblem = pageDataProblem(value.page);
  if (pageProblem) return pageProblem;
  if (value.notes !== undefined) {
    if (!Array.isArray(value.notes) || value.notes.length > CAPS.notes || !value.notes.every((n) => typeof n === 'string')) {
      return 'notes must be a short list of strings';
    }
  }
  const size = JSON.stringify(value).length;
  if (size > CAPS.eventBytes) return `event is ${size} bytes; at most ${CAPS.eventBytes}`;
  return null;
}

const PAGE_STRINGS: (keyof PageData)[] = ['url', 'path', 'title'];
const PAGE_NUMBERS: (keyof PageData)[] = ['screenWidth', 'screenHeight', 'viewportWidth', 'viewportHeight', 'dpi'];

function pageDataProblem(page: unknown): string | null {
  if (!isPlainObject(page)) return 'page must be an object';
  for (const key of PAGE_STRINGS) if (typeof page[key] !== 'string') return `page.${key} must be a string`;
  for (const key of PAGE_NUMBERS) if (typeof page[key] !== 'number') return `page.${key} must be a number`;
  if (page.referrer !== null && typeof page.referrer !== 'string') return 'page.referrer must be a string or null';
  return null;
}

// ── bridge ⇄ worker ───────────────────────────────────────────────────────────

export const BRIDGE_PORT = 'trodo-bridge';

/** A page's events message as the page sent it (it begins with EVENTS_PREFIX); untrusted, parsed by the worker. */
export type BridgeToWorker = { type: 'page-events'; json: string };

export type WorkerToBridge =
  | { type: 'ack'; ids: string[] }
  /**
   * The worker did not take this bridge's last events (the tab is over its rate, too many
   * wait to be stored, or storing failed): none of them is acknowledged, and the page
   * should send what it holds again in `retryMs`.
   */
  | { type: 'refused'; retryMs: number }
  | { type: 'config'; capture: boolean; autoEvents: boolean }
  /** Trodo's answer to an identify call from this origin; the bridge passes it to the page. */
  | { type: 'merge'; identifyId: string; distinctId: string };

// ── viewer ⇄ bridge ───────────────────────────────────────────────────────────

/**
 * How the extension treats a page that ships Trodo's own SDK. `stand-in`: the extension's
 * tracker is `window.Trodo` and the official SDK skips its start-up. `observe`: the
 * official SDK runs as shipped and the worker lists its requests (settings.observeSites).
 */
export type SdkMode = 'stand-in' | 'observe';

/** What a tab's top-frame bridge knows of the page's own Trodo SDK (answer to `page-sdk`). */
export interface PageSdkInfo {
  /** The npm version of the official SDK the page loads ('2.0.0'), or null if not recognised. */
  version: string | null;
  /** The version the SDK's code names itself ('v0.11.24'); null when no Trodo SDK was found. */
  build: string | null;
  /** The script it came from (a bundle, for the npm package). */
  src: string | null;
  /** The site id the page gives (script `site-id` attribute, `init({ siteId })`), or null. */
  siteId: string | null;
  mode: SdkMode;
}

/** Sent by a viewer to a tab's top frame with `tabs.sendMessage`; answered with `PageSdkInfo | null`. */
export type ViewerToBridge = { type: 'page-sdk' };

export function isViewerToBridge(value: unknown): value is ViewerToBridge {
  return isPlainObject(value) && value.type === 'page-sdk';
}

/** One request a page's own Trodo SDK made, as the network saw it (webRequest). */
export interface ObservedRequest {
  id: string;
  tabId: number;
  method: string;
  url: string;
  path: string;
  startedAt: number;
  /** HTTP status once answered; null while pending or when it failed without an answer. */
  status: number | null;
  durationMs: number | null;
  /** The network error (net::ERR_…) when there was no answer. */
  error: string | null;
  /** The body decoded into the events and calls it carries, one line each. */
  decoded: string[];
  /** The events in the body, as the viewer's lint reads them. */
  events: ObservedEvent[];
}

/** An event in a request the page's own SDK sent (wire names: event_type, custom_properties). */
export interface ObservedEvent {
  name: string;
  kind: 'custom' | 'auto';
  properties: JsonObject;
  /** What the tracking plan in force found wrong with it (absent without a plan, or when the plan ignores it). */
  violations?: Violation[];
}

/** A viewer asks the worker (runtime.sendMessage) for the observed requests of a tab; answered with ObservedRequest[]. */
export type ObservedQuery = { type: 'observed'; tabId: number };

export function isObservedQuery(value: unknown): value is ObservedQuery {
  return isPlainObject(value) && value.type === 'observed' && Number.isInteger(value.tabId);
}

// ── viewer ⇄ worker ───────────────────────────────────────────────────────────

export const VIEWER_PORT = 'trodo-viewer';

/**
 * Which history a viewer wants to see: its filter bar, sent to the worker, which pages
 * history for it. Empty strings mean "any". Open to more fields (each a digest field).
 *
 * @example { tabId: 7, origin: '', category: '', kind: '', name: 'signup_completed', status: 'held', text: '', regex: false, violations: false }
 */
export interface ViewQuery {
  /** Only this tab's events (and the server events of its sessions or users); null for all tabs. */
  tabId: number | null;
  /** Browser events, the collector's stream's (`server`), or both (''). */
  source: '' | 'browser' | 'server';
  origin: string;
  category: string;
  kind: '' | 'custom' | 'auto';
  /** Exact event name (indexed: answered from digests, as fast at 100 000 as at 100). */
  name: string;
  status: '' | ViewStatus;
  /** Search over name and properties (reads the records it searches). */
  text: string;
  regex: boolean;
  /** Only events that break the tracking plan in force. */
  violations: boolean;
}

export const ANY_VIEW: ViewQuery = { tabId: null, source: '', origin: '', category: '', kind: '', name: '', status: '', text: '', regex: false, violations: false };

export type ViewerToWorker =
  | { type: 'flush' }
  /** Forget delivered and dropped events; queued ones stay unless `queue` is set. */
  | { type: 'clear'; queue?: boolean }
  | { type: 'save-settings'; change: Partial<Settings> }
  /** A tracking plan's JSON text and where it came from (`file`, `paste`, or the URL it was read from). */
  | { type: 'load-plan'; text: string; source: string }
  | { type: 'unload-plan' }
  /**
   * Send (or stop sending) this origin's events: the popup's one click. The worker edits
   * `sendingSites` itself, so two viewers clicking at once cannot undo each other.
   */
  | { type: 'site-sending'; origin: string; send: boolean }
  /**
   * The records [offset, offset + limit) of `query`, newest first, answered with a `page` of
   * the same `id` and `seq`. `live`: answered again whenever history changes, until another
   * view of that id or an `unview` replaces it (the list, the identity panel); otherwise once
   * (an export reading history page by page).
   */
  | { type: 'view'; id: string; seq: number; query: ViewQuery; offset: number; limit: number; live: boolean }
  /** The tracking plan's coverage over all of history (tabId: what counts as "this tab"), kept current like a live view. */
  | { type: 'coverage'; id: string; tabId: number | null }
  | { type: 'unview'; id: string };

/**
 * Where the worker stands with the local collector's event stream (lib/worker/server-feed.ts):
 * `off` when the ingestion host is not a collector on loopback, `unavailable` while it cannot
 * be reached. Server events are in the timeline only while it is `live`.
 */
export type ServerFeedState =
  | { kind: 'off'; why: string }
  | { kind: 'connecting' }
  | { kind: 'live' }
  | { kind: 'unavailable'; error: string; retryAt: number };

export type WorkerToViewer =
  | { type: 'snapshot'; stats: DeliveryStats; history: HistorySummary; state: DeliveryState; settings: Settings; plan: LoadedPlan | null; server: ServerFeedState }
  | { type: 'server-feed'; state: ServerFeedState }
  /** An answer to `view`: `total` records match, these are the window from `offset`; `live` as asked. */
  | { type: 'page'; id: string; seq: number; live: boolean; total: number; offset: number; records: HistoryRecord[] }
  /** An answer to `coverage`; null without a plan. */
  | { type: 'coverage'; id: string; coverage: Coverage | null }
  | { type: 'status'; stats: DeliveryStats; history: HistorySummary; state: DeliveryState }
  | { type: 'settings'; settings: Settings }
  | { type: 'settings-rejected'; errors: Partial<Record<keyof Settings, string>> }
  /** The plan in force changed; live views and coverage are answered again, re-checked. */
  | { type: 'plan'; plan: LoadedPlan | null }
  /** A plan was refused; the one in force stays. `error` names where it is wrong. */
  | { type: 'plan-rejected'; error: string };

const VIEWER_TYPES: ReadonlySet<string> = new Set(['flush', 'clear', 'save-settings', 'load-plan', 'unload-plan', 'site-sending', 'view', 'coverage', 'unview']);

const VIEW_STATUSES: ReadonlySet<unknown> = new Set(['', 'held', 'queued', 'retrying', 'sent', 'dropped']);

function isViewQuery(value: unknown): value is ViewQuery {
  if (!isPlainObject(value)) return false;
  const strings = ['origin', 'category', 'name', 'text'] as const;
  return (
    (value.tabId === null || Number.isInteger(value.tabId)) &&
    strings.every((key) => typeof value[key] === 'string') &&
    (value.kind === '' || value.kind === 'custom' || value.kind === 'auto') &&
    (value.source === '' || value.source === 'browser' || value.source === 'server') &&
    VIEW_STATUSES.has(value.status) &&
    typeof value.regex === 'boolean' &&
    typeof value.violations === 'boolean'
  );
}

const isCount = (value: unknown): value is number => Number.isInteger(value) && (value as number) >= 0;

/** Extension pages are trusted, but a malformed message still must not reach a handler. */
export function isViewerMessage(value: unknown): value is ViewerToWorker {
  if (!isPlainObject(value) || typeof value.type !== 'string' || !VIEWER_TYPES.has(value.type)) return false;
  if (value.type === 'load-plan') return typeof value.text === 'string' && typeof value.source === 'string';
  if (value.type === 'site-sending') return typeof value.origin === 'string' && typeof value.send === 'boolean';
  if (value.type === 'view') {
    return typeof value.id === 'string' && isCount(value.seq) && isViewQuery(value.query) && isCount(value.offset) && isCount(value.limit) && typeof value.live === 'boolean';
  }
  if (value.type === 'coverage') return typeof value.id === 'string' && (value.tabId === null || Number.isInteger(value.tabId));
  if (value.type === 'unview') return typeof value.id === 'string';
  return value.type !== 'save-settings' || isPlainObject(value.change);
}

export function isBridgeToWorker(value: unknown): value is BridgeToWorker {
  return isPlainObject(value) && value.type === 'page-events' && typeof value.json === 'string';
}

/**
 * The well-formed events of a bridge message, with why each other one was refused. A
 * page's text is parsed here, in the worker, with the caps and checks of parsePageMessage.
 */
export function bridgeEvents(message: BridgeToWorker): Parsed<{ events: TrodoEvent[]; rejected: { id: string | null; error: string }[] }> {
  const parsed = parsePageMessage(message.json);
  if (!parsed.ok) return parsed;
  if (parsed.value.type !== 'events') return { ok: false, error: 'not an events message' };
  return { ok: true, value: parsed.value };
}
