import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { control } from './control';
import type { Plan } from '../plan/types';
import { createFaultPlan, type Fault } from './faults';
import { collectorPlan } from './plan-route';
import { allowedHostnames, guard, isLoopbackBind, urlHost, type GuardPolicy } from './guard';
import { send } from './http';
import { INGEST_HEADERS, ingest } from './ingest';
import { DEFAULT_LIMITS, type Limits } from './limits';
import { createStreams } from './stream';
import { createWaiters } from './wait';
import { createStore, type ReceivedEvent, type ReceivedRequest, type Summary } from './store';

export type { ReceivedEvent, ReceivedRequest, Summary };

export interface CollectorOptions extends Partial<Limits> {
  /** Address to listen on; default 127.0.0.1. Any address off loopback requires a token. */
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Append-only NDJSON of accepted events; loaded at start so dedupe survives restarts. */
  dataFile?: string;
  /** A line per request; silent when absent. */
  log?: (line: string) => void;
  /**
   * Required on /__collector/* (`Authorization: Bearer <token>` or `X-Collector-Token`).
   * Listening off loopback without one generates one (read it from `collector.token`).
   */
  token?: string;
  /** Host names besides loopback and the bound address that requests may name (a DNS name in CI). */
  allowedHosts?: string[];
  /** A tracking plan (lib/plan/) to check accepted events against: GET /__collector/violations. */
  plan?: Plan;
}

export interface Collector {
  url: string;
  port: number;
  /** What /__collector/* requires, or null when listening on loopback without one. */
  token: string | null;
  /** Accepted events still held (the newest `maxEvents`), deduplicated by event_id, in arrival order. */
  events(): ReceivedEvent[];
  /** The newest `maxRequests` requests, with their bodies, in arrival order. */
  requests(): ReceivedRequest[];
  /** Answered /api/sdk/* calls, first delivery of each call id only, in arrival order. */
  calls(): ReceivedRequest[];
  /** Deliveries of an event_id already received. */
  duplicates(): number;
  /** Counts: held, accepted, dropped over the cap, duplicates, refused requests. */
  summary(): Summary;
  faults(faults: Fault[], failRate?: number, failStatus?: number): void;
  /** POST /__collector/wait requests still held open. */
  waiting(): number;
  reset(): void;
  close(): Promise<void>;
  /** The same as close(). */
  stop(): Promise<void>;
}

/**
 * A Trodo-compatible ingestion server for QA and tests: it validates bodies, dedupes by
 * event_id, persists what it accepts, lists it back, and fails on request. Every request
 * passes the guard first (Host, origin, token); see guard.ts for what it promises.
 * Control API: GET /__collector/events (filters: see EventFilter), POST /__collector/wait
 * `{ match, count?, timeoutMs? }`, GET /__collector/violations, POST /__collector/plan,
 * GET /__collector/requests, GET /__collector/summary, GET /__collector/stream (Server-Sent Events, Last-Event-ID),
 * POST /__collector/faults `{ faults, failRate?, failStatus? }`, POST /__collector/reset.
 */
export async function startCollector(options: CollectorOptions = {}): Promise<Collector> {
  const log = options.log ?? (() => {});
  const limits: Limits = { ...DEFAULT_LIMITS, ...definedOnly(options) };
  const bind = options.host ?? '127.0.0.1';
  const token = options.token ?? (isLoopbackBind(bind) ? null : randomBytes(24).toString('base64url'));
  // The store tells the waiters of each accepted request's events; the waiters read what it holds.
  const waiters = createWaiters(() => store.events());
  const store = createStore(limits, options.dataFile, (fresh) => {
    waiters.offer(fresh);
    streams.offer();
  });
  const streams = createStreams(store);
  const plan = createFaultPlan();
  const tracking = collectorPlan(options.plan);
  const interfaceAddresses = () => Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((i) => i.address));
  // The port is known once listening; until then no Host matches (port 0), so nothing gets through.
  const policy: GuardPolicy = { port: 0, hostnames: allowedHostnames(bind, options.allowedHosts ?? [], interfaceAddresses), token, ingestHeaders: INGEST_HEADERS };

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://collector');
    const path = url.pathname;
    const verdict = guard({ method: req.method ?? '', path, headers: req.headers }, policy);
    switch (verdict.kind) {
      case 'refuse':
        store.countRefused();
        log(`${verdict.status} ${req.method} ${path} refused: ${verdict.reason}`);
        return send(res, verdict.status, { error: verdict.reason }, verdict.headers);
      case 'preflight':
        return send(res, 204, undefined, verdict.headers);
      case 'control':
        return control(req, res, url, verdict.headers, { store, waiters, streams, plan, tracking, limits });
      case 'ingest':
        return ingest(req, res, path, verdict.headers, { store, plan, limits, log });
    }
  }

  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      // Node's own deadline for a whole request; the body deadline in readBody answers first.
      requestTimeout: limits.headersTimeoutMs + limits.bodyTimeoutMs + 1000,
      // Node checks both only this often (30 s by default), which would let a slow client hold on far longer.
      connectionsCheckingInterval: Math.max(25, Math.min(1000, Math.floor(limits.headersTimeoutMs / 4))),
    },
    (req, res) => {
      handle(req, res).catch((error) => {
        log(`error: ${String(error)}`);
        if (!res.headersSent) send(res, 500, { error: 'collector error' });
      });
    },
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, bind, resolve);
  });
  const { port } = server.address() as AddressInfo;
  policy.port = port;

  const collector: Collector = {
    url: `http://${urlHost(bind)}:${port}`,
    port,
    token,
    events: store.events,
    requests: store.requests,
    calls: () => store.requests().filter((r) => r.path.startsWith('/api/sdk/') && r.status >= 200 && r.status < 300 && !r.duplicate),
    duplicates: store.duplicates,
    summary: store.summary,
    faults: (faults, failRate, failStatus) => plan.set(faults, failRate, failStatus),
    waiting: waiters.size,
    reset() {
      store.reset();
      waiters.reset();
      tracking.reset();
      plan.set([]);
    },
    close: () =>
      new Promise<void>((resolve) => {
        waiters.close();
        streams.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
    stop: () => collector.close(),
  };
  return collector;
}

/** Options left `undefined` keep their default limit. */
function definedOnly(options: CollectorOptions): Partial<Limits> {
  const out: Partial<Limits> = {};
  for (const key of Object.keys(DEFAULT_LIMITS) as (keyof Limits)[]) if (options[key] !== undefined) out[key] = options[key];
  return out;
}
