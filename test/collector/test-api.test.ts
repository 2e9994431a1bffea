import { afterEach, describe, expect, it } from 'vitest';
import { startCollector, type Collector } from '../../lib/collector/server';
import { toWireEvent, type WireEvent } from '../../lib/wire/events';
import { makeEvent } from '../helpers';

const open: Collector[] = [];
afterEach(async () => void (await Promise.all(open.splice(0).map((c) => c.close()))));

async function start() {
  const collector = await startCollector({ port: 0 });
  open.push(collector);
  return collector;
}

function post(collector: Collector, events: unknown[]) {
  return fetch(`${collector.url}/api/events/bulk`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Trodo-Site-Id': 'site-1' },
    body: JSON.stringify({ events }),
  });
}

const get = async (collector: Collector, path: string) => {
  const response = await fetch(`${collector.url}/__collector/${path}`);
  return { status: response.status, body: (await response.json()) as Record<string, any> };
};

const wait = async (collector: Collector, body: unknown) => {
  const response = await fetch(`${collector.url}/__collector/wait`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
};

const wire = (fields: Parameters<typeof makeEvent>[0], change: Partial<WireEvent> = {}): WireEvent => ({ ...toWireEvent(makeEvent(fields)), ...change });

describe('collector test API: GET /__collector/events filters', () => {
  it('filters by name, type, category, distinct id, session, source and time, and limits to the newest', async () => {
    const collector = await start();
    const a = wire({ name: 'signup_completed', category: 'lifecycle', properties: { plan: 'pro' } }, { user_id: 'alice', session_id: 's-1' });
    const b = wire({ kind: 'auto', name: 'page_view', category: 'navigation' }, { user_id: 'bob', session_id: 's-2' });
    const server = wire({ name: 'signup_completed', category: 'lifecycle' }, { user_id: 'alice', session_id: 's-3' });
    server.page_data = { ...server.page_data, referrer: 'server' };
    await post(collector, [a, b]);
    const between = Date.now();
    await new Promise((r) => setTimeout(r, 5));
    await post(collector, [server]);

    const ids = async (query: string) => (await get(collector, `events?${query}`)).body.events.map((e: { event: WireEvent }) => e.event.event_id);
    expect(await ids('event_name=signup_completed')).toEqual([a.event_id, server.event_id]);
    expect(await ids('event_type=auto')).toEqual([b.event_id]);
    expect(await ids('category=navigation')).toEqual([b.event_id]);
    expect(await ids('distinct_id=alice')).toEqual([a.event_id, server.event_id]);
    expect(await ids('user_id=bob')).toEqual([b.event_id]);
    expect(await ids('session_id=s-2')).toEqual([b.event_id]);
    expect(await ids('source=server')).toEqual([server.event_id]);
    expect(await ids('source=browser')).toEqual([a.event_id, b.event_id]);
    expect(await ids(`since=${between + 1}`)).toEqual([server.event_id]);
    expect(await ids(`since=${new Date(between + 1).toISOString()}`)).toEqual([server.event_id]);
    expect(await ids('limit=2')).toEqual([b.event_id, server.event_id]);
    expect(await ids('event_name=signup_completed&distinct_id=alice&source=browser')).toEqual([a.event_id]);
    expect(await ids('')).toHaveLength(3);
  });

  it('refuses a filter it does not know or cannot read, naming it', async () => {
    const collector = await start();
    expect(await get(collector, 'events?name=x')).toMatchObject({ status: 400, body: { error: expect.stringContaining('unknown filter name') } });
    expect(await get(collector, 'events?limit=0')).toMatchObject({ status: 400, body: { error: expect.stringContaining('limit') } });
    expect(await get(collector, 'events?since=yesterday')).toMatchObject({ status: 400, body: { error: expect.stringContaining('since') } });
    expect(await get(collector, 'events?source=mobile')).toMatchObject({ status: 400 });
  });
});

describe('collector test API: POST /__collector/wait', () => {
  it('answers at once when enough events already match', async () => {
    const collector = await start();
    const event = wire({ name: 'checkout_completed', properties: { amount_cents: 5800, currency: 'usd' } });
    await post(collector, [event]);
    const started = Date.now();
    const answer = await wait(collector, { match: { event_name: 'checkout_completed', custom_properties: { amount_cents: 5800 } }, timeoutMs: 5000 });
    expect(answer.status).toBe(200);
    expect(answer.body.events).toEqual([event]);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('answers as soon as the count-th matching event is accepted, long before its timeout', async () => {
    const collector = await start();
    const pending = wait(collector, { match: { event_name: 'item_added' }, count: 2, timeoutMs: 20_000 });
    // The wait is registered once the collector holds it open; only then send.
    await expect.poll(() => collector.waiting()).toBe(1);
    await post(collector, [wire({ name: 'item_added' })]);
    await post(collector, [wire({ name: 'other' })]);
    const sentAt = Date.now();
    await post(collector, [wire({ name: 'item_added' })]);
    const answer = await pending;
    expect(answer.status).toBe(200);
    expect(answer.body.events.map((e: WireEvent) => e.event_name)).toEqual(['item_added', 'item_added']);
    expect(Date.now() - sentAt).toBeLessThan(2000);
  });

  it('times out with 408, the closest events with a property diff, and the names seen', async () => {
    const collector = await start();
    const near = wire({ name: 'checkout_completed', properties: { amount_cents: 4200, currency: 'usd' } });
    await post(collector, [wire({ name: 'page_view' }), near, wire({ name: 'cart_viewed' })]);
    const started = Date.now();
    const answer = await wait(collector, { match: { event_name: 'checkout_completed', custom_properties: { amount_cents: 5800, coupon: 'X' } }, timeoutMs: 300 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(answer.status).toBe(408);
    expect(answer.body.matched).toBe(0);
    expect(answer.body.closest[0]).toEqual({
      event: near,
      differences: [
        { path: 'custom_properties.amount_cents', expected: 5800, actual: 4200 },
        { path: 'custom_properties.coupon', expected: 'X' },
      ],
    });
    expect(answer.body.names).toEqual({ page_view: 1, checkout_completed: 1, cart_viewed: 1 });
  });

  it('counts from zero again after a reset', async () => {
    const collector = await start();
    await post(collector, [wire({ name: 'a' })]);
    await fetch(`${collector.url}/__collector/reset`, { method: 'POST' });
    expect((await wait(collector, { match: { event_name: 'a' }, timeoutMs: 100 })).status).toBe(408);
  });

  it('a collector stopped with waits open answers them, and stop() closes it', async () => {
    const collector = await startCollector({ port: 0 });
    const pending = wait(collector, { match: { event_name: 'never' }, timeoutMs: 60_000 }).catch((error: Error) => error);
    await expect.poll(() => collector.waiting()).toBe(1);
    await collector.stop();
    expect(collector.waiting()).toBe(0);
    await pending;
    await expect(fetch(`${collector.url}/__collector/summary`)).rejects.toThrow();
  });

  it('refuses a match on a field events do not have', async () => {
    const collector = await start();
    expect(await wait(collector, { match: { name: 'a' } })).toMatchObject({ status: 400, body: { error: expect.stringContaining('match.name') } });
    expect(await wait(collector, { match: { event_name: 'a' }, count: 0 })).toMatchObject({ status: 400 });
    expect(await wait(collector, { match: { event_name: 'a' }, timeoutMs: 1e9 })).toMatchObject({ status: 400 });
  });

  it('stays behind the guard: a web page may not wait', async () => {
    const collector = await start();
    const response = await fetch(`${collector.url}/__collector/wait`, { method: 'POST', headers: { Origin: 'https://evil.example' }, body: '{"match":{}}' });
    expect(response.status).toBe(403);
  });
});

describe('collector test API: GET /__collector/summary', () => {
  it('counts received, duplicates, invalid events and events by name; reset clears them', async () => {
    const collector = await start();
    const first = wire({ name: 'signup_completed' });
    await post(collector, [first, wire({ name: 'page_view' }), wire({ name: 'page_view' })]);
    await post(collector, [first]);
    await post(collector, [{ event_id: 'x' }, wire({ name: 'page_view' })]);
    const { body } = await get(collector, 'summary');
    expect(body).toMatchObject({ events: 4, accepted: 4, duplicates: 1, invalid: 1, byEventName: { signup_completed: 1, page_view: 3 } });
    await fetch(`${collector.url}/__collector/reset`, { method: 'POST' });
    expect((await get(collector, 'summary')).body).toMatchObject({ events: 0, duplicates: 0, invalid: 0, byEventName: {} });
  });
});
