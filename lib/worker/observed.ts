import { isPlainObject, type JsonObject } from '../json';
import { subjectOfWire } from '../plan/subject';
import type { PlanSubject, Violation } from '../plan/types';
import type { ObservedEvent, ObservedRequest } from '../protocol';
import type { WireEvent } from '../wire/events';

/** Trodo's ingestion host as the official SDK (trodo@2.0.0) has it built in. */
export const OFFICIAL_API_URLS = ['https://sdkapi.trodo.ai/*'];

/** The slices of webRequest details used here. */
export interface RequestStart {
  requestId: string;
  tabId: number;
  method: string;
  url: string;
  timeStamp: number;
  requestBody?: { raw?: { bytes?: ArrayBuffer }[]; formData?: Record<string, string[]> } | null;
}
export interface RequestEnd {
  requestId: string;
  timeStamp: number;
  statusCode?: number;
  error?: string;
}

/** Requests kept per tab, newest kept. */
const PER_TAB = 200;

/**
 * What the official SDK sends, read from the network side without touching the page: the
 * worker hears every request to Trodo's host from a tab (webRequest), with its body, status,
 * timing and failure. On observe sites that is the page's own SDK; elsewhere the page sends
 * nothing to Trodo, since the extension stands in for its SDK.
 */
export function createObservedLog(
  deps: {
    save?: (all: ObservedRequest[]) => void;
    /** The tracking plan's check (the same the worker makes at ingest); null when it has nothing to say. */
    check?: (subject: PlanSubject) => Violation[] | null;
  } = {},
) {
  const byId = new Map<string, ObservedRequest>();

  function changed() {
    deps.save?.([...byId.values()]);
  }

  return {
    /** Requests from before a worker restart (storage.session). */
    restore(saved: unknown) {
      if (!Array.isArray(saved)) return;
      for (const r of saved) if (isPlainObject(r) && typeof r.id === 'string' && !byId.has(r.id)) byId.set(r.id, r as unknown as ObservedRequest);
    },
    started(details: RequestStart) {
      if (details.tabId < 0 || details.method === 'OPTIONS') return; // the extension's own worker, CORS preflights
      const url = new URL(details.url);
      const text = bodyText(details.requestBody);
      byId.set(details.requestId, {
        id: details.requestId, tabId: details.tabId, method: details.method, url: details.url, path: url.pathname,
        startedAt: details.timeStamp, status: null, durationMs: null, error: null,
        decoded: decodeBody(url.pathname, text), events: bodyEvents(url.pathname, text, deps.check),
      });
      const ofTab = [...byId.values()].filter((r) => r.tabId === details.tabId);
      for (const old of ofTab.slice(0, Math.max(0, ofTab.length - PER_TAB))) byId.delete(old.id);
      changed();
    },
    ended(details: RequestEnd) {
      const request = byId.get(details.requestId);
      if (!request) return;
      request.durationMs = Math.round(details.timeStamp - request.startedAt);
      if (details.statusCode !== undefined) request.status = details.statusCode;
      if (details.error) request.error = details.error;
      changed();
    },
    forTab: (tabId: number) => [...byId.values()].filter((r) => r.tabId === tabId),
  };
}

function bodyText(body: RequestStart['requestBody']): string {
  if (!body) return '';
  if (body.formData) return JSON.stringify(body.formData);
  const decoder = new TextDecoder();
  return (body.raw ?? []).map((part) => (part.bytes ? decoder.decode(part.bytes) : '')).join('');
}

/**
 * The events and calls a request to Trodo carries, one line each: `event <name> [category]`
 * for /api/events and /bulk, `session <id>` for /api/sdk/track, the operation otherwise.
 */
export function decodeBody(path: string, text: string): string[] {
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    return [`${path}: body is not JSON (${text.length} bytes)`];
  }
  const event = (e: unknown) => {
    if (!isPlainObject(e)) return 'event (not an object)';
    const category = e.event_category ?? e.category;
    return `event ${String(e.event_name)}${category ? ` [${String(category)}]` : ''}`;
  };
  if (path === '/api/events/bulk' && isPlainObject(body) && Array.isArray(body.events)) return body.events.map(event);
  if (path === '/api/events') return [event(body)];
  if (path === '/api/sdk/track') {
    // The official SDK wraps its session record: { sessionData: { session_id, duration, pages_viewed, … } }.
    const record = isPlainObject(body) && isPlainObject(body.sessionData) ? body.sessionData : body;
    if (!isPlainObject(record)) return ['session record (not an object)'];
    return [`session ${String(record.session_id ?? '?')}${record.duration !== undefined ? `, ${String(record.duration)} s` : ''}${record.pages_viewed !== undefined ? `, ${String(record.pages_viewed)} pages` : ''}`];
  }
  const op = path.replace(/^\/api\/(sdk\/)?/, '');
  const detail = isPlainObject(body) ? Object.keys(body).join(', ') : '';
  return [detail ? `${op} (${detail})` : op];
}

/** The events of an /api/events or /api/events/bulk body, each checked against the plan when `check` is given. */
export function bodyEvents(path: string, text: string, check?: (subject: PlanSubject) => Violation[] | null): ObservedEvent[] {
  if (path !== '/api/events' && path !== '/api/events/bulk') return [];
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return [];
  }
  const list = path === '/api/events' ? [body] : isPlainObject(body) && Array.isArray(body.events) ? body.events : [];
  return list.filter(isPlainObject).map((e) => {
    const properties = (isPlainObject(e.custom_properties) ? e.custom_properties : isPlainObject(e.properties) ? e.properties : {}) as JsonObject;
    const event: ObservedEvent = { name: String(e.event_name), kind: e.event_type === 'auto' ? 'auto' : 'custom', properties };
    // The official SDK's events are wire events without our ids: checked as the collector checks what it receives.
    const violations = check?.(subjectOfWire({ ...e, custom_properties: properties } as unknown as WireEvent));
    if (violations) event.violations = violations;
    return event;
  });
}
