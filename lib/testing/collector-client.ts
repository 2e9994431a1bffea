import type { Difference, EventFilter, EventMatch } from '../collector/query';
import type { collectorPlan } from '../collector/plan-route';
import type { Summary } from '../collector/store';
import type { Violation } from '../plan/types';
import type { WireEvent } from '../wire/events';

/** GET /__collector/violations: the plan in force (null without one), its coverage, each event that broke it. */
export type ViolationReport = Partial<ReturnType<ReturnType<typeof collectorPlan>['violations']>> & { plan: { name: string; version: string; key: string } | null; events: { event_id: string; event_name: string; violations: Violation[] }[] };
export type ViolationCounts = NonNullable<ReturnType<ReturnType<typeof collectorPlan>['counts']>>;

/** POST /__collector/wait's answer: the matching events, or (408) what came closest. */
export type WaitAnswer =
  | { ok: true; events: WireEvent[] }
  | { ok: false; matched: number; closest: { event: WireEvent; differences: Difference[] }[]; names: Record<string, number> };

/**
 * The collector's test API over HTTP, as any test suite would call it: the fixture and
 * `trodo-qa verify` use nothing else, so what they report is what a Cypress suite sees too.
 */
export function collectorClient(baseUrl: string, token?: string | null) {
  const headers: Record<string, string> = { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) };
  const url = (path: string) => `${baseUrl.replace(/\/+$/, '')}/__collector/${path}`;

  async function call(method: 'GET' | 'POST', path: string, body?: unknown, accept: number[] = [200]) {
    const response = await fetch(url(path), { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    if (!accept.includes(response.status)) throw new Error(`collector ${method} /__collector/${path}: ${response.status} ${text}`);
    return { status: response.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
  }

  return {
    url: baseUrl,
    async events(filter: EventFilter = {}): Promise<WireEvent[]> {
      const query = new URLSearchParams(Object.entries(filter).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)]));
      const { body } = await call('GET', `events?${query}`);
      return (body.events as { event: WireEvent }[]).map((item) => item.event);
    },
    async wait(match: EventMatch, count: number, timeoutMs: number): Promise<WaitAnswer> {
      const { status, body } = await call('POST', 'wait', { match, count, timeoutMs }, [200, 408]);
      if (status === 200) return { ok: true, events: body.events as WireEvent[] };
      return { ok: false, ...(body as Omit<Extract<WaitAnswer, { ok: false }>, 'ok'>) };
    },
    summary: async () => (await call('GET', 'summary')).body as unknown as Summary & { violations: ViolationCounts | null },
    violations: async () => (await call('GET', 'violations')).body as unknown as ViolationReport,
    /** Puts a plan in force (the plan's JSON value; a Segment Protocols export is converted), or none. */
    async loadPlan(plan: unknown | null) {
      const response = await fetch(url('plan'), { method: 'POST', headers, body: JSON.stringify({ plan }) });
      if (!response.ok) throw new Error(`the collector refused the plan: ${((await response.json()) as { error: string }).error}`);
    },
    reset: async () => void (await call('POST', 'reset')),
  };
}

export type CollectorClient = ReturnType<typeof collectorClient>;
