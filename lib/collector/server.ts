import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isPlainObject } from '../json';
import { PATHS, SITE_ID_HEADER, wireEventProblem, type WireEvent } from '../wire';
import { CALL_ID_HEADER, identifiedDistinctId } from '../wire-calls';
import { createFaultPlan, type Fault } from './faults';

export interface CollectorOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Append-only NDJSON of accepted events; loaded at start so dedupe survives restarts. */
  dataFile?: string;
  /** A line per request; silent when absent. */
  log?: (line: string) => void;
  /** Largest body accepted, in bytes; larger gets 413. */
  maxBodyBytes?: number;
}

export interface ReceivedEvent {
  event: WireEvent;
  siteId: string;
  receivedAt: number;
}

export interface ReceivedRequest {
  at: number;
  method: string;
  path: string;
  siteId: string | null;
  body: unknown;
  status: number;
  /** Events in a bulk body, and how many of them were new. */
  events?: number;
  accepted?: number;
  fault?: string;
  /** X-Trodo-Call-Id of an /api/sdk/* call, and whether that id was seen before. */
  callId?: string;
  duplicate?: boolean;
}

export interface Collector {
  url: string;
  port: number;
  /** Accepted events, deduplicated by event_id, in arrival order. */
  events(): ReceivedEvent[];
  requests(): ReceivedRequest[];
  /** Answered /api/sdk/* calls, first delivery of each call id only, in arrival order. */
  calls(): ReceivedRequest[];
  /** Deliveries of an event_id already received. */
  duplicates(): number;
  faults(faults: Fault[], failRate?: number, failStatus?: number): void;
  reset(): void;
  close(): Promise<void>;
}

const CONTROL = '/__collector';

/**
 * A Trodo-compatible ingestion server for QA and tests: it validates bodies, dedupes by
 * event_id, persists what it accepts, lists it back, and fails on request.
 * Control API: GET /__collector/events, GET /__collector/requests, POST /__collector/faults
 * `{ faults, failRate?, failStatus? }`, POST /__collector/reset.
 */
export async function startCollector(options: CollectorOptions = {}): Promise<Collector> {
  const log = options.log ?? (() => {});
  const maxBody = options.maxBodyBytes ?? 5 * 1024 * 1024;
  const received: ReceivedEvent[] = [];
  const seen = new Set<string>();
  let requests: ReceivedRequest[] = [];
  let duplicates = 0;
  const plan = createFaultPlan();

  if (options.dataFile && existsSync(options.dataFile)) {
    for (const line of readFileSync(options.dataFile, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const item = JSON.parse(line) as ReceivedEvent;
      if (!seen.has(item.event.event_id)) {
        seen.add(item.event.event_id);
        received.push(item);
      }
    }
  }

  function accept(event: WireEvent, siteId: string): boolean {
    if (seen.has(event.event_id)) {
      duplicates++;
      return false;
    }
    seen.add(event.event_id);
    const item = { event, siteId, receivedAt: Date.now() };
    received.push(item);
    if (options.dataFile) appendFileSync(options.dataFile, `${JSON.stringify(item)}\n`);
    return true;
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const path = new URL(req.url ?? '/', 'http://collector').pathname;
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Access-Control-Allow-Headers', `Content-Type, ${SITE_ID_HEADER}, ${CALL_ID_HEADER}`);
    res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
    if (req.method === 'OPTIONS') return send(res, 204);

    if (path.startsWith(CONTROL)) return control(req, res, path);

    const raw = await readBody(req, maxBody);
    let siteId = header(req, SITE_ID_HEADER);
    const entry: ReceivedRequest = { at: Date.now(), method: req.method ?? '', path, siteId, body: undefined, status: 0 };
    const callId = header(req, CALL_ID_HEADER);
    if (callId) entry.callId = callId;
    requests.push(entry);
    const answer = (status: number, body?: unknown, headers: Record<string, string> = {}) => {
      entry.status = status;
      send(res, status, body, headers);
    };

    if (raw === null) return answer(413, { error: `body over ${maxBody} bytes` });
    let body: unknown;
    try {
      body = raw ? JSON.parse(raw) : undefined;
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
      let fresh = 0;
      for (const event of bulkEvents) {
        const problem = wireEventProblem(event);
        if (problem) invalid.push({ event_id: isPlainObject(event) && typeof event.event_id === 'string' ? event.event_id : null, reason: problem });
        else if (accept(event as WireEvent, siteId)) fresh++;
      }
      entry.accepted = fresh;
      log(`${invalid.length ? 400 : 200} bulk ${bulkEvents.length} events: ${fresh} new, ${bulkEvents.length - fresh - invalid.length} duplicate, ${invalid.length} invalid · site ${siteId}`);
      if (invalid.length) return answer(400, { error: `${invalid.length} invalid events`, invalid, accepted: fresh });
      return answer(200, { success: true, accepted: fresh, duplicates: bulkEvents.length - fresh });
    }
    // One event alone (Trodo's server SDKs unbatched). A body without an event_id (the official
    // browser SDK's) is answered as before, without being checked or kept.
    if (path === PATHS.event && isPlainObject(body) && body.event_id !== undefined) {
      const problem = wireEventProblem(body);
      if (problem) return answer(400, { error: problem, invalid: [{ event_id: typeof body.event_id === 'string' ? body.event_id : null, reason: problem }] });
      entry.events = 1;
      entry.accepted = accept(body as unknown as WireEvent, siteId) ? 1 : 0;
      log(`200 ${path} ${entry.accepted ? 'new' : 'duplicate'} event · site ${siteId}`);
      return answer(200, { success: true, accepted: entry.accepted });
    }
    if (callId) {
      entry.duplicate = requests.some((r) => r !== entry && r.callId === callId && r.status >= 200 && r.status < 300);
      if (entry.duplicate) duplicates++;
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

  function control(req: IncomingMessage, res: ServerResponse, path: string) {
    const route = `${req.method} ${path.slice(CONTROL.length)}`;
    switch (route) {
      case 'GET /events':
        return send(res, 200, { events: received, duplicates });
      case 'GET /requests':
        return send(res, 200, { requests });
      case 'POST /reset':
        collector.reset();
        return send(res, 200, { ok: true });
      case 'POST /faults':
        return void readBody(req, maxBody).then((raw) => {
          try {
            const body = JSON.parse(raw ?? '{}') as { faults?: Fault[]; failRate?: number; failStatus?: number };
            plan.set(body.faults ?? [], body.failRate, body.failStatus);
            send(res, 200, { ok: true, pending: plan.pending() });
          } catch {
            send(res, 400, { error: 'body must be { "faults": [...], "failRate"?: 0.3 }' });
          }
        });
      default:
        return send(res, 404, { error: `no control route ${route}` });
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error) => {
      log(`error: ${String(error)}`);
      if (!res.headersSent) send(res, 500, { error: 'collector error' });
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const collector: Collector = {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    port,
    events: () => [...received],
    requests: () => [...requests],
    calls: () => requests.filter((r) => r.path.startsWith('/api/sdk/') && r.status >= 200 && r.status < 300 && !r.duplicate),
    duplicates: () => duplicates,
    faults: (faults, failRate, failStatus) => plan.set(faults, failRate, failStatus),
    reset() {
      received.length = 0;
      seen.clear();
      requests = [];
      duplicates = 0;
      plan.set([]);
      if (options.dataFile) writeFileSync(options.dataFile, '');
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return collector;
}

function header(req: IncomingMessage, name: string): string | null {
  const value = req.headers[name.toLowerCase()];
  return typeof value === 'string' && value ? value : null;
}

function readBody(req: IncomingMessage, max: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= max) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > max ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...headers });
  res.end(body === undefined ? undefined : JSON.stringify(body));
}
