import { isPlainObject } from './json';

/**
 * Runtime settings, kept in `storage.local` under `settings` and edited on the options page.
 *
 * @example
 * { apiHost: 'http://127.0.0.1:4318', siteId: 'demo-site', batchSize: 50,
 *   flushIntervalMs: 5000, captureEnabled: true, autoEvents: true, disabledSites: ['https://prod.example'],
 *   sendingSites: ['https://staging.shop.example'], buildSites: [],
 *   maxBackoffMs: 60000, requestTimeoutMs: 10000, maxQueueEvents: 10000, historyLimit: 100000 }
 */
export interface Settings {
  /** Base URL of Trodo's ingestion API (or the local collector). */
  apiHost: string;
  /** Sent as X-Trodo-Site-Id. Empty: events are captured and held, not sent. */
  siteId: string;
  /** Events per request, and the queue size that triggers a flush. */
  batchSize: number;
  /** How long a partial batch waits before it is sent. */
  flushIntervalMs: number;
  /** Off: pages keep `window.Trodo`, but nothing is captured. */
  captureEnabled: boolean;
  /** Off: pages record only what page code tracks; no auto-events (page views, clicks, errors…). */
  autoEvents: boolean;
  /** Origins where capture is switched off (per-site switch in the viewer and options). */
  disabledSites: string[];
  /**
   * Origins whose events are sent to the ingestion host (the popup's "Send this site's
   * events" and the options page). Others are captured and held; see lib/sending.ts.
   */
  sendingSites: string[];
  /**
   * The build's WXT_TRODO_SITES match patterns: the tracker runs only there, and those
   * sites send. Fixed at build time: a change or a stored value is ignored.
   */
  buildSites: string[];
  /**
   * Origins whose own Trodo SDK runs as shipped, observed rather than stood in for: the
   * extension's tracker gives up `window.Trodo` there and captures nothing, and the
   * viewer lists the requests the page's SDK makes to Trodo.
   */
  observeSites: string[];
  /** Longest wait between retries after 408, 5xx, timeouts and network errors. */
  maxBackoffMs: number;
  /** A request with no answer by then is aborted and retried. */
  requestTimeoutMs: number;
  /** Most events the worker's queue holds; past it the oldest are dropped, visibly. */
  maxQueueEvents: number;
  /**
   * Most events history keeps (sent and dropped ones; queued events are never trimmed);
   * past it the oldest go. History is bounded by bytes too (DEFAULT_MAX_HISTORY_BYTES).
   */
  historyLimit: number;
}

export const SETTINGS_KEY = 'settings';
export const DEFAULT_API_HOST = 'https://sdkapi.trodo.ai';

export const BOUNDS = {
  batchSize: { min: 1, max: 500 },
  flushIntervalMs: { min: 50, max: 600_000 },
  maxBackoffMs: { min: 1000, max: 3_600_000 },
  requestTimeoutMs: { min: 500, max: 120_000 },
  maxQueueEvents: { min: 10, max: 100_000 },
  historyLimit: { min: 100, max: 200_000 },
} as const;

/** Numeric settings, checked against BOUNDS. */
const NUMERIC = ['batchSize', 'flushIntervalMs', 'maxBackoffMs', 'requestTimeoutMs', 'maxQueueEvents', 'historyLimit'] as const;

/** Defaults, from the build-time WXT_TRODO_* variables where they are set. */
export function defaultSettings(env: { WXT_TRODO_API_HOST?: string; WXT_TRODO_SITE_ID?: string; WXT_TRODO_SITES?: string } = {}): Settings {
  return {
    apiHost: env.WXT_TRODO_API_HOST || DEFAULT_API_HOST,
    siteId: env.WXT_TRODO_SITE_ID || '',
    batchSize: 50,
    flushIntervalMs: 5000,
    captureEnabled: true,
    autoEvents: true,
    disabledSites: [],
    sendingSites: [],
    buildSites: parseSiteList(env.WXT_TRODO_SITES),
    observeSites: [],
    maxBackoffMs: 60_000,
    requestTimeoutMs: 10_000,
    maxQueueEvents: 10_000,
    historyLimit: 100_000,
  };
}

export type SettingsCheck = { ok: true; settings: Settings } | { ok: false; errors: Partial<Record<keyof Settings, string>> };

/** Checks a proposed change against the current settings; errors are for people to read. */
export function checkSettings(current: Settings, change: unknown): SettingsCheck {
  if (!isPlainObject(change)) return { ok: false, errors: { apiHost: 'settings must be an object' } };
  const next: Settings = { ...current };
  const errors: Partial<Record<keyof Settings, string>> = {};

  if ('apiHost' in change) {
    const host = typeof change.apiHost === 'string' ? change.apiHost.trim() : '';
    const url = parseHttpUrl(host);
    if (url) next.apiHost = url.origin + url.pathname.replace(/\/+$/, '');
    else errors.apiHost = 'Enter an http:// or https:// URL, e.g. https://sdkapi.trodo.ai';
  }
  if ('siteId' in change) {
    const siteId = typeof change.siteId === 'string' ? change.siteId.trim() : null;
    if (siteId === null || siteId.length > 200) errors.siteId = 'The site id is text of at most 200 characters';
    else next.siteId = siteId;
  }
  for (const key of NUMERIC) {
    if (!(key in change)) continue;
    const raw = change[key];
    const value = typeof raw === 'number' || (typeof raw === 'string' && raw.trim() !== '') ? Number(raw) : NaN;
    const { min, max } = BOUNDS[key];
    if (Number.isInteger(value) && value >= min && value <= max) next[key] = value;
    else errors[key] = `Enter a whole number from ${min} to ${max}`;
  }
  for (const key of ['captureEnabled', 'autoEvents'] as const) {
    if (!(key in change)) continue;
    if (typeof change[key] === 'boolean') next[key] = change[key];
    else errors[key] = 'This is on or off';
  }
  for (const key of ['disabledSites', 'sendingSites', 'observeSites'] as const) {
    if (!(key in change)) continue;
    const raw = change[key];
    const sites = Array.isArray(raw) ? raw.map((s) => (typeof s === 'string' ? originOf(s.trim()) : null)) : null;
    if (sites && sites.length <= MAX_SITES && sites.every((s) => s !== null)) next[key] = [...new Set(sites as string[])];
    else errors[key] = `List at most ${MAX_SITES} sites as http(s) origins, e.g. https://shop.example`;
  }
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, settings: next };
}

/** Stored settings merged over defaults; anything stored that is no longer valid is ignored. */
export function loadSettings(defaults: Settings, stored: unknown): Settings {
  if (!isPlainObject(stored)) return defaults;
  let settings = defaults;
  for (const [key, value] of Object.entries(stored)) {
    const check = checkSettings(settings, { [key]: value });
    if (check.ok) settings = check.settings;
  }
  return settings;
}

const MAX_SITES = 500;

/** The build's WXT_TRODO_SITES: comma-separated match patterns (the manifest's content-script matches). */
export function parseSiteList(text: string | undefined): string[] {
  return (text ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}

/** Whether capture runs for pages of `origin` (not where the page's own SDK is observed). */
export function captureOn(settings: Settings, origin: string): boolean {
  return settings.captureEnabled && !settings.disabledSites.includes(origin) && !settings.observeSites.includes(origin);
}

function originOf(text: string): string | null {
  return parseHttpUrl(text)?.origin ?? null;
}

function parseHttpUrl(text: string): URL | null {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
  } catch {
    return null;
  }
}
