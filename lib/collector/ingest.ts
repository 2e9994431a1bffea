import type { IncomingMessage, ServerResponse } from 'node:http';
import { isPlainObject } from '../json';
import { NODE_SDK_USER_AGENT, PATHS, SITE_ID_HEADER, wireEventProblem, type WireEvent } from '../wire/events';
import { identifiedDistinctId } from '../wire/ops';
import { CALL_ID_HEADER } from '../wire/calls';
import type { createFaultPlan } from './faults';
import { EXTENSION_ORIGIN } from './guard';
import { header, readBody, send, sendTimeout } from './http';
import { nestsDeeperThan, type Limits } from './limits';
import type { Poster, ReceivedRequest, Store } from './store';

/** Request headers a browser client of the ingestion API sends (allowed in CORS preflights). */
export const INGEST_HEADERS = ['Content-Type', SITE_ID_HEADER, CALL_ID_HEADER] as const;

export interface IngestContext {
  store: Store;
  plan: ReturnType<typeof createFaultPlan>;
  limits: Limits;
  log: (line: string) => void;
}

/**
 * The Trodo ingestion API (`/api/*`): validate, dedupe, keep, or fail on purpose. Any web
 * page may post here (the guard allows it), so an answer tells only of the request's own
 * events: how many were new, which were invalid, never anything the collector holds.
 */
export async function ingest(req: IncomingMessage, res: ServerResponse, path: string, headers: Record<string, string>, ctx: IngestContext) {
  const { store, plan, limits, log } = ctx;
  const raw = await readBody(req, limits.maxBodyBytes, limits.bodyTimeoutMs);
  let siteId = header(req, SITE_ID_HEADER);
  const entry: ReceivedRequest = { at: Date.now(), method: req.method ?? '', path, siteId, body: undefined, status: 0 };
  const callId = header(req, CALL_ID_HEADER);
  if (callId) entry.callId = callId;
  store.record(entry);
  const answer = (status: number, body?: unknown, extra: Record<string, string> = {}) => {
    entry.status = status;
    send(res, status, body, { ...headers, ...extra });
  };

  if (raw.kind === 'timeout') {
    entry.status = 408;
    log(`408 ${path}: body not received within ${limits.bodyTimeoutMs} ms`);
    return sendTimeout(req, res, headers);
  }
  if (raw.kind === 'too-large') return answer(413, { error: `body over ${limits.maxBodyBytes} bytes` });
  if (nestsDeeperThan(raw.text, limits.maxJsonDepth)) return answer(400, { error: `body nests deeper than ${limits.maxJsonDepth} levels` });
  let body: unknown;
  try {
    body = raw.text ? JSON.parse(raw.text) : undefined;
  } catch {
    return answer(400, { error: 'body is not JSON' });
  }
  entry.body = body;
  // The official SDK posts session records without the header; the site id is in the body.
  if (!siteId && path === PATHS.session && isPlainObject(body) && isPlainObject(body.sessionData) && typeof body.sessionData.site_id === 'string') {
    siteId = entry.siteId = body.sessionData.site_id;
  }
  const bulkEvents = path === PATHS.bulk && isPlainObject(body) && Array.isArray(body.events) ? body.events : null;
  entry.events = bulkEvents?.length;
  if (bulkEvents && bulkEvents.length > limits.maxBatchEvents) return answer(413, { error: `batch over ${limits.maxBatchEvents} events` });

  const fault = plan.take(path, bulkEvents?.length ?? 1, bulkEvents?.map((e) => (isPlainObject(e) ? e.event_name : undefined)));
  if (fault) {
    entry.fault = JSON.stringify(fault);
    if (fault.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
    if (fault.drop) {
      entry.status = -1;
      log(`dropped connection ${path}`);
      req.socket.destroy();
      return;
    }
    if (fault.rejectEventNames && bulkEvents) {
      const invalid = bulkEvents
        .filter((e) => isPlainObject(e) && fault.rejectEventNames!.includes(e.event_name as string))
        .map((e) => ({ event_id: (e as { event_id?: unknown }).event_id ?? null, reason: `event_name "${String((e as { event_name?: unknown }).event_name)}" is not accepted (fault)` }));
      log(`400 ${path} (fault: ${invalid.length} invalid)`);
      return answer(400, { error: `${invalid.length} invalid events`, invalid });
    }
    if (fault.status) {
      log(`${fault.status} ${path} (fault)`);
      return answer(fault.status, fault.body ?? { error: 'fault injected' }, fault.retryAfter ? { 'Retry-After': fault.retryAfter } : {});
    }
  }

  if (req.method !== 'POST') return answer(405, { error: 'POST only' });
  if (!siteId) return answer(401, { error: `missing ${SITE_ID_HEADER} header` });

  if (path === PATHS.bulk) {
    if (!bulkEvents) return answer(400, { error: 'body must be { "events": [...] }' });
    const invalid: { event_id: string | null; reason: string }[] = [];
    const valid: WireEvent[] = [];
    for (const event of bulkEvents) {
      const problem = wireEventProblem(event);
      if (problem) invalid.push({ event_id: isPlainObject(event) && typeof event.event_id === 'string' ? event.event_id : null, reason: problem });
      else valid.push(event as WireEvent);
    }
    store.countInvalid(invalid.length);
    const fresh = store.accept(valid, siteId, senderOf(req));
    entry.accepted = fresh;
    log(`${invalid.length ? 400 : 200} bulk ${bulkEvents.length} events: ${fresh} new, ${bulkEvents.length - fresh - invalid.length} duplicate, ${invalid.length} invalid · site ${siteId}`);
    if (invalid.length) return answer(400, { error: `${invalid.length} invalid events`, invalid, accepted: fresh });
    return answer(200, { success: true, accepted: fresh, duplicates: bulkEvents.length - fresh });
  }
  // One event alone (Trodo's server SDKs unbatched). A body without an event_id (the official
  // browser SDK's) is answered as before, without being checked or kept.
  if (path === PATHS.event && isPlainObject(body) && body.event_id !== undefined) {
    const problem = wireEventProblem(body);
    if (problem) {
      store.countInvalid(1);
      return answer(400, { error: problem, invalid: [{ event_id: typeof body.event_id === 'string' ? body.event_id : null, reason: problem }] });
    }
    entry.events = 1;
    entry.accepted = store.accept([body as unknown as WireEvent], siteId, senderOf(req));
    log(`200 ${path} ${entry.accepted ? 'new' : 'duplicate'} event · site ${siteId}`);
    return answer(200, { success: true, accepted: entry.accepted });
  }
  if (callId) {
    entry.duplicate = store.answeredCall(callId, entry);
    if (entry.duplicate) store.countDuplicate();
  }
  if (path === PATHS.identify) {
    // Like Trodo: the identified distinct id in the answer (the SDK adopts it).
    // Without an identifyId there is nothing to name: a plain success, like the other routes.
    const identifyId = isPlainObject(body) && typeof body.identifyId === 'string' ? body.identifyId : null;
    log(`200 ${path}`);
    return answer(200, identifyId ? { success: true, merged: false, distinctId: identifiedDistinctId(identifyId) } : { success: true });
  }
  if (path === PATHS.event || path.startsWith('/api/sdk/') || path === '/api/utm-events') {
    log(`200 ${path}`);
    return answer(200, { success: true });
  }
  return answer(404, { error: `no route ${path}` });
}

/**
 * Who posted: a browser extension's worker sends its extension origin as Origin (a page
 * cannot send that origin), the Node SDK its User-Agent. Both only label events for the
 * viewer's timeline; nothing is trusted or refused on their strength.
 */
export function senderOf(req: IncomingMessage): Poster {
  const origin = header(req, 'Origin');
  if (origin && EXTENSION_ORIGIN.test(origin)) return { sender: 'extension', senderOrigin: origin };
  if (header(req, 'User-Agent')?.startsWith(NODE_SDK_USER_AGENT)) return { sender: 'node-sdk' };
  return { sender: 'other' };
}
