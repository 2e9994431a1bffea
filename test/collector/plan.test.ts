import { afterEach, describe, expect, it } from 'vitest';
import { startCollector, type Collector } from '../../lib/collector/server';
import { compilePlan } from '../../lib/plan/check';
import { subjectOfEvent } from '../../lib/plan/subject';
import { toWireEvent } from '../../lib/wire/events';
import { makeEvent } from '../helpers';
import { ACME } from '../plan/fixtures';

const open: Collector[] = [];
afterEach(async () => void (await Promise.all(open.splice(0).map((c) => c.close()))));

const events = [
  makeEvent({ name: 'checkout_completed', category: 'billing', properties: { amount_cents: 100, currency: 'usd' } }),
  makeEvent({ name: 'checkout_completed', category: 'billing', properties: { amount_cents: -1, currency: 'gbp' } }),
  makeEvent({ name: 'promo_clicked' }),
  makeEvent({ kind: 'auto', name: 'element_click', category: 'interaction' }),
];

async function post(collector: Collector) {
  const response = await fetch(`${collector.url}/api/events/bulk`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Trodo-Site-Id': 'site-1' },
    body: JSON.stringify({ events: events.map(toWireEvent) }),
  });
  expect(response.status).toBe(200);
}

const get = async (collector: Collector, path: string) => (await (await fetch(`${collector.url}/__collector/${path}`)).json()) as Record<string, unknown>;

describe('collector: the tracking plan', () => {
  it('finds the same violations as the extension’s worker, from the same plan', async () => {
    const collector = await startCollector({ port: 0, plan: ACME });
    open.push(collector);
    await post(collector);
    const worker = compilePlan(ACME);
    const expected = events
      .map((event) => ({ event, check: worker.check(subjectOfEvent(event)) }))
      .filter(({ check }) => check?.violations.length)
      .map(({ event, check }) => ({ event_id: event.id, event_name: event.name, violations: check!.violations }));
    const found = await get(collector, 'violations');
    expect(found.events).toEqual(expected);
    expect(found).toMatchObject({
      plan: { name: 'Acme web', version: '3', key: worker.key },
      summary: '1 of 4 planned events seen, 1 with violations',
      byKind: { not_in_enum: 1, out_of_range: 1, unplanned_event: 1 },
      notSeen: ['signup_completed', 'invoice_paid', 'page_view'],
      unplanned: [{ name: 'promo_clicked', count: 1, lastSeen: events[2]!.time }],
    });
  });

  it('counts them in /__collector/events, and forgets them on reset', async () => {
    const collector = await startCollector({ port: 0, plan: ACME });
    open.push(collector);
    await post(collector);
    expect((await get(collector, 'events')).violations).toEqual({ plan: compilePlan(ACME).key, checked: 3, withViolations: 2, violations: 3 });
    await fetch(`${collector.url}/__collector/reset`, { method: 'POST' });
    expect((await get(collector, 'events')).violations).toEqual({ plan: compilePlan(ACME).key, checked: 0, withViolations: 0, violations: 0 });
  });

  it('without a plan, says so', async () => {
    const collector = await startCollector({ port: 0 });
    open.push(collector);
    await post(collector);
    expect((await get(collector, 'events')).violations).toBeNull();
    expect(await get(collector, 'violations')).toEqual({ plan: null, events: [] });
  });
});

describe('collector: a plan loaded at run time (POST /__collector/plan)', () => {
  it('checks the events already held and later ones, shows in the summary, and refuses a bad plan with the loader’s message', async () => {
    const collector = await startCollector({ port: 0 });
    open.push(collector);
    await post(collector);
    const load = await fetch(`${collector.url}/__collector/plan`, { method: 'POST', body: JSON.stringify({ plan: ACME }) });
    expect(load.status).toBe(200);
    expect(await load.json()).toEqual({ ok: true, plan: { name: 'Acme web', version: '3', key: compilePlan(ACME).key } });
    expect((await get(collector, 'summary')).violations).toEqual({ plan: compilePlan(ACME).key, checked: 3, withViolations: 2, violations: 3 });
    expect(((await get(collector, 'violations')).events as unknown[]).length).toBe(2);

    const bad = await fetch(`${collector.url}/__collector/plan`, { method: 'POST', body: JSON.stringify({ name: 'x', version: '1', events: { a: { properties: 'nope' } } }) });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/\$\.events\.a/);
    // The plan in force stays.
    expect(((await get(collector, 'violations')).plan as { name: string }).name).toBe('Acme web');
  });
});
