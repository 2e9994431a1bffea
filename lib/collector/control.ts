import type { IncomingMessage, ServerResponse } from 'node:http';
import { isPlainObject } from '../json';
import type { createFaultPlan, Fault } from './faults';
import { CONTROL_PREFIX } from './guard';
import { readBody, send, sendTimeout } from './http';
import { nestsDeeperThan, type Limits } from './limits';
import { filterEvents, matchProblem, parseFilter, type EventMatch } from './query';
import { PLAN_LIMITS } from '../plan/load';
import { readPlanText } from '../plan/read';
import type { collectorPlan } from './plan-route';
import type { Store } from './store';
import type { Streams } from './stream';
import type { Waiters } from './wait';

/** What a control route may use. Routes are reached only through the guard. */
export interface ControlContext {
  req: IncomingMessage;
  /** For a route that answers in its own way (the stream); others use `send`. */
  res: ServerResponse;
  /** The guard's headers for this answer. */
  headers: Record<string, string>;
  streams: Streams;
  store: Store;
  waiters: Waiters;
  /** The request's URL (its query holds GET filters). */
  url: URL;
  plan: ReturnType<typeof createFaultPlan>;
  /** The tracking plan in force and its checks. */
  tracking: ReturnType<typeof collectorPlan>;
  limits: Limits;
  /** The request's JSON body (`value` is `undefined` when empty), or `null` once its error was answered. */
  readJson(): Promise<{ value: unknown } | null>;
  send(status: number, body?: unknown): void;
}

export type ControlRoute = (ctx: ControlContext) => void | Promise<void>;

/**
 * The reading and control API under `/__collector`, keyed by `METHOD /path`. A new route is
 * one entry here; the guard in front of the table applies to it without more code.
 */
export const controlRoutes: Record<string, ControlRoute> = {
  'GET /events': ({ store, tracking, url, send }) => {
    const parsed = parseFilter(url.searchParams);
    if ('error' in parsed) return send(400, { error: parsed.error });
    const held = store.events();
    send(200, { events: filterEvents(held, parsed.filter), duplicates: store.duplicates(), dropped: store.summary().dropped, violations: tracking.counts(held.map((r) => r.event)) });
  },
  'POST /wait': async ({ req, waiters, readJson, send }) => {
    const read = await readJson();
    if (!read) return;
    const body = read.value as { match?: unknown; count?: unknown; timeoutMs?: unknown } | undefined;
    const problem = !isPlainObject(body) ? 'body must be { "match": {...}, "count"?: 1, "timeoutMs"?: 10000 }' : matchProblem(body.match);
    if (problem) return send(400, { error: problem });
    const { count = 1, timeoutMs = WAIT_DEFAULT_MS } = body!;
    if (!Number.isInteger(count) || (count as number) < 1) return send(400, { error: 'count must be a whole number above 0' });
    if (typeof timeoutMs !== 'number' || !(timeoutMs >= 0 && timeoutMs <= WAIT_MAX_MS)) return send(400, { error: `timeoutMs must be from 0 to ${WAIT_MAX_MS}` });
    // A client that hangs up ends its wait; on a kept-alive socket the listener goes with the answer.
    const hangUp = new AbortController();
    const onClose = () => hangUp.abort();
    req.socket.once('close', onClose);
    const result = await waiters.wait(body!.match as EventMatch, count as number, timeoutMs, hangUp.signal);
    req.socket.off('close', onClose);
    if (result.kind === 'matched') return send(200, { events: result.events });
    send(408, {
      error: `${result.matched} of ${count as number} matching events within ${timeoutMs} ms`,
      matched: result.matched,
      closest: result.closest,
      names: result.names,
    });
  },
  /** Server-Sent Events of every accepted event, resumable with Last-Event-ID (stream.ts). */
  'GET /stream': ({ req, res, url, headers, streams }) => streams.attach(req, res, url, headers),
  'GET /requests': ({ store, send }) => send(200, { requests: store.requests() }),
  'GET /summary': ({ store, tracking, send }) => send(200, { ...store.summary(), violations: tracking.counts(store.events().map((r) => r.event)) }),
  'GET /violations': ({ store, tracking, send }) => send(200, tracking.violations(store.events().map((r) => r.event))),
  /** A plan loaded at run time (a test suite's own), or `{ "plan": null }` for none; refused with the loader's message, the plan in force staying. */
  'POST /plan': async ({ tracking, readJson, send }) => {
    const read = await readJson();
    if (!read) return;
    const body = read.value;
    if (isPlainObject(body) && body.plan === null) return send(200, { ok: true, plan: tracking.set(null) });
    // The plan itself or `{ "plan": … }`; a Segment Protocols export is converted, as everywhere.
    const loaded = readPlanText(JSON.stringify(isPlainObject(body) && isPlainObject(body.plan) ? body.plan : body ?? null));
    if (!loaded.ok) return send(400, { error: loaded.error });
    send(200, { ok: true, plan: tracking.set(loaded.plan) });
  },
  'POST /reset': ({ store, waiters, tracking, plan, send }) => {
    store.reset();
    waiters.reset();
    tracking.reset();
    plan.set([]);
    send(200, { ok: true });
  },
  'POST /faults': async ({ plan, readJson, send }) => {
    const read = await readJson();
    if (!read) return;
    const body = read.value === undefined ? {} : read.value;
    const { faults, failRate, failStatus } = (isPlainObject(body) ? body : {}) as { faults?: Fault[]; failRate?: number; failStatus?: number };
    if (!isPlainObject(body) || (faults !== undefined && !Array.isArray(faults))) {
      return send(400, { error: 'body must be { "faults": [...], "failRate"?: 0.3 }' });
    }
    plan.set(faults ?? [], failRate, failStatus);
    send(200, { ok: true, pending: plan.pending() });
  },
};

const WAIT_DEFAULT_MS = 10_000;
// Longer than any test step should wait; a CI job that hangs should fail, not block.
const WAIT_MAX_MS = 300_000;

// Control bodies are small (a fault list, a match) but for a plan, which may be as large as the loader takes.
const CONTROL_BODY_BYTES = PLAN_LIMITS.bytes + 64 * 1024;

export async function control(req: IncomingMessage, res: ServerResponse, url: URL, headers: Record<string, string>, ctx: Omit<ControlContext, 'req' | 'res' | 'headers' | 'url' | 'readJson' | 'send'>) {
  const path = url.pathname;
  const route = `${req.method} ${path.slice(CONTROL_PREFIX.length)}`;
  const reply = (status: number, body?: unknown) => send(res, status, body, headers);
  const handler = controlRoutes[route];
  if (!handler) return reply(404, { error: `no control route ${route}` });
  const readJson = async (): Promise<{ value: unknown } | null> => {
    const raw = await readBody(req, CONTROL_BODY_BYTES, ctx.limits.bodyTimeoutMs);
    if (raw.kind === 'timeout') return sendTimeout(req, res, headers), null;
    if (raw.kind === 'too-large') return reply(413, { error: `control body over ${CONTROL_BODY_BYTES} bytes` }), null;
    if (nestsDeeperThan(raw.text, ctx.limits.maxJsonDepth)) return reply(400, { error: `body nests deeper than ${ctx.limits.maxJsonDepth} levels` }), null;
    try {
      return { value: raw.text ? (JSON.parse(raw.text) as unknown) : undefined };
    } catch {
      return reply(400, { error: 'body is not JSON' }), null;
    }
  };
  await handler({ ...ctx, req, res, headers, url, readJson, send: reply });
}
