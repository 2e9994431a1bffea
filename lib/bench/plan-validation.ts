import type { TrodoEvent } from '../event';
import { createIdGenerator } from '../ids';
import type { Plan } from '../plan/types';
import { planKey } from '../plan/check';
import { createPlanChecks } from '../worker/plan-checks';
import { median } from './stats';

export interface PlanValidation {
  events: number;
  planEvents: number;
  /** Share of the events that broke the plan (each checked in full, not stopped at the first). */
  violatingShare: number;
  runsMs: number[];
  eventsPerSecond: number;
}

const PLAN_EVENTS = 200;
const EVENTS = 10_000;

/**
 * Checking 10 000 events against a plan of 200 events, by the worker's own code path
 * (lib/worker/plan-checks.ts: the event's plan view, then the compiled schema), in this
 * process's V8. One warm-up run compiles every event's schema, as a worker does on first
 * sight; then the median of 5 runs.
 */
export function measurePlanValidation(): PlanValidation {
  const plan = benchPlan();
  const checks = createPlanChecks(async () => {});
  checks.set({ plan, key: planKey(plan), source: 'bench', loadedAt: 0 });
  const events = benchEvents();
  let violating = 0;
  for (const event of events) if (checks.check(event)?.violations.length) violating++;
  const runsMs: number[] = [];
  for (let run = 0; run < 5; run++) {
    const start = performance.now();
    for (const event of events) checks.check(event);
    runsMs.push(performance.now() - start);
  }
  const ms = median(runsMs);
  return { events: EVENTS, planEvents: PLAN_EVENTS, violatingShare: violating / EVENTS, runsMs, eventsPerSecond: (EVENTS / ms) * 1000 };
}

/** A plan for the end-to-end run: the harness's `bench_event`, strictly, and 199 others. */
export function deliveryPlan(): Plan {
  const plan = benchPlan();
  plan.events.bench_event = {
    category: 'custom',
    properties: { plan: { enum: ['free', 'pro'] }, step: { type: 'integer', minimum: 0 }, ok: { type: 'boolean' }, run: { type: 'string', minLength: 1 } },
    required: ['plan', 'step', 'ok', 'run'],
    additionalProperties: false,
  };
  delete plan.events.event_0;
  return plan;
}

function benchPlan(): Plan {
  const events: Plan['events'] = {};
  for (let i = 0; i < PLAN_EVENTS; i++) {
    events[`event_${i}`] = {
      category: 'custom',
      properties: {
        amount_cents: { type: 'integer', minimum: 0 },
        currency: { enum: ['usd', 'eur', 'gbp'] },
        sku: { type: 'string', pattern: '^[A-Z]{3}-\\d{4}$' },
        quantity: { type: 'integer', minimum: 1, maximum: 100 },
        gift: { type: 'boolean' },
      },
      required: ['amount_cents', 'currency'],
      additionalProperties: false,
    };
  }
  return { name: 'Bench plan', version: '1', events, allowUnplanned: false };
}

/** Events over the plan's names; one in ten breaks it (a wrong value, an unplanned property, or an unplanned name). */
function benchEvents(): TrodoEvent[] {
  const newId = createIdGenerator(() => 1_700_000_000_000);
  const page = { url: 'https://shop.test/', path: '/', title: 'Shop', referrer: null, screenWidth: 1920, screenHeight: 1080, viewportWidth: 1280, viewportHeight: 720, dpi: 1 };
  return Array.from({ length: EVENTS }, (_, i): TrodoEvent => {
    const properties = { amount_cents: 1000 + i, currency: 'usd', sku: 'ABC-1234', quantity: 2, gift: false } as Record<string, string | number | boolean>;
    if (i % 30 === 3) properties.currency = 'jpy';
    if (i % 30 === 13) properties.coupon = 'X';
    const name = i % 30 === 23 ? 'unplanned_event_name' : `event_${i % PLAN_EVENTS}`;
    return { id: newId(), time: 1_700_000_000_000 + i, kind: 'custom', name, category: 'custom', sessionId: 's', distinctId: 'd', properties, page };
  });
}

