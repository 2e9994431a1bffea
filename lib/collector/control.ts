import type { IncomingMessage, ServerResponse } from 'node:http';
import { isPlainObject } from '../json';
import type { createFaultPlan, Fault } from './faults';
import { CONTROL_PREFIX } from './guard';
import { readBody, send, sendTimeout } from './http';
import { nestsDeeperThan, type Limits } from './limits';
import type { collectorPlan } from './plan-route';
import type { Store } from './store';

/** What a control route may use. Routes are reached only through the guard. */
export interface ControlContext {
  req: IncomingMessage;
  store: Store;
  plan: ReturnType<typeof createFaultPlan>;
  /** The tracking plan's checks (lib/plan/), when the collector was started with one. */
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
  'GET /events': ({ store, tracking, send }) =>
    send(200, { events: store.events(), duplicates: store.duplicates(), dropped: store.summary().dropped, violations: tracking.counts(store.events().map((r) => r.event)) }),
  'GET /violations': ({ store, tracking, send }) => send(200, tracking.violations(store.events().map((r) => r.event))),
  'GET /requests': ({ store, send }) => send(200, { requests: store.requests() }),
  'GET /summary': ({ store, send }) => send(200, store.summary()),
  'POST /reset': ({ store, plan, tracking, send }) => {
    store.reset();
    plan.set([]);
    tracking.reset();
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

// Control bodies are small: a fault list, a filter.
const CONTROL_BODY_BYTES = 256 * 1024;

export async function control(req: IncomingMessage, res: ServerResponse, path: string, headers: Record<string, string>, ctx: Omit<ControlContext, 'req' | 'readJson' | 'send'>) {
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
  await handler({ ...ctx, req, readJson, send: reply });
}
