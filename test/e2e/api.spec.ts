import type { Collector, ReceivedRequest } from '../../lib/collector/server';
import { expect, received, test } from './fixtures';

/** Waits until the collector has answered at least `count` calls to paths starting with `prefix`. */
async function calls(collector: Collector, count: number, prefix = '/api/sdk/', timeout = 30_000): Promise<ReceivedRequest[]> {
  let got: ReceivedRequest[] = [];
  await expect.poll(() => (got = collector.calls().filter((r) => r.path.startsWith(prefix))).length, { timeout }).toBeGreaterThanOrEqual(count);
  return got;
}

test('every identity, people and group method reaches its /api/sdk endpoint with the official body, in call order', async ({ collector, extension, sitePage, site }) => {
  void extension;
  await sitePage.goto(`${site.url}/index.html`);
  const results = await sitePage.evaluate(async () => {
    const T = window.Trodo!;
    const out = [];
    T.track('before_login', { step: 1 });
    out.push(await T.identify('alice@example.com'));
    out.push(await T.people.set({ plan: 'pro', seats: 3 }));
    out.push(await T.people.setOnce({ first_seen: '2026-11-25' }));
    out.push(await T.people.set_once({ source: 'ads' }));
    out.push(await T.people.unset('seats'));
    out.push(await T.people.unset(['a', 'b']));
    out.push(await T.people.increment('logins'));
    out.push(await T.people.increment('credits', 5));
    out.push(await T.people.increment({ x: 1, y: 2 }));
    out.push(await T.people.append('tags', ['new']));
    out.push(await T.people.union('tags', ['vip']));
    out.push(await T.people.remove('tags', 'new'));
    out.push(await T.people.trackCharge(9.99, { sku: 'A1' }));
    out.push(await T.people.clearCharges());
    out.push(await T.set_group('company', 'acme'));
    out.push(await T.add_group('team', 'eng'));
    out.push(await T.add_group('team', 'design'));
    out.push(await T.remove_group('team', 'design'));
    const g = T.get_group('company', 'acme')!;
    out.push(await g.set({ tier: 'gold' }), await g.set_once({ founded: 1999 }), await g.union('regions', ['eu']), await g.remove('regions', 'us'));
    out.push(await g.unset('legacy'), await g.increment('seats'), await g.append('notes', 'hi'), await g.delete());
    T.track('in_group', { company: 'override-wins' });
    out.push(await T.reset());
    T.track('after_reset');
    return out;
  });
  expect(results.every((r) => r.success)).toBe(true);

  const got = await calls(collector, 30);
  const sdk = got.map((r) => [r.path, r.body] as const);
  const paths = sdk.map(([path]) => path).filter((p) => p !== '/api/sdk/track');
  expect(paths).toEqual([
    '/api/sdk/identify',
    '/api/sdk/people/set', '/api/sdk/people/set_once', '/api/sdk/people/set_once', '/api/sdk/people/unset', '/api/sdk/people/unset',
    '/api/sdk/people/increment', '/api/sdk/people/increment', '/api/sdk/people/increment', '/api/sdk/people/increment',
    '/api/sdk/people/append', '/api/sdk/people/union', '/api/sdk/people/remove', '/api/sdk/people/track_charge', '/api/sdk/people/clear_charges',
    '/api/sdk/groups/set_group', '/api/sdk/groups/add_group', '/api/sdk/groups/add_group', '/api/sdk/groups/remove_group',
    '/api/sdk/groups/profile/set', '/api/sdk/groups/profile/set_once', '/api/sdk/groups/profile/union', '/api/sdk/groups/profile/remove',
    '/api/sdk/groups/profile/unset', '/api/sdk/groups/profile/increment', '/api/sdk/groups/profile/append', '/api/sdk/groups/profile/delete',
    '/api/sdk/reset',
  ]);
  const body = (path: string, n = 0) => sdk.filter(([p]) => p === path)[n]![1] as Record<string, unknown>;
  const identify = body('/api/sdk/identify');
  expect(identify).toEqual({ siteId: 'e2e-site', sessionId: expect.any(String), userId: expect.any(String), distinctId: expect.stringMatching(/^anon_/), identifyId: 'alice@example.com' });
  const me = 'id_alice@example.com';
  expect(body('/api/sdk/people/set')).toEqual({ siteId: 'e2e-site', userId: me, properties: { plan: 'pro', seats: 3 } });
  expect(body('/api/sdk/people/set_once', 1)).toEqual({ siteId: 'e2e-site', userId: me, properties: { source: 'ads' } });
  expect(body('/api/sdk/people/unset', 1)).toEqual({ siteId: 'e2e-site', userId: me, keys: ['a', 'b'] });
  expect(body('/api/sdk/people/increment')).toEqual({ siteId: 'e2e-site', userId: me, key: 'logins', amount: 1 });
  expect(body('/api/sdk/people/increment', 3)).toEqual({ siteId: 'e2e-site', userId: me, key: 'y', amount: 2 });
  expect(body('/api/sdk/people/remove')).toEqual({ siteId: 'e2e-site', userId: me, key: 'tags', values: ['new'] });
  expect(body('/api/sdk/people/track_charge')).toEqual({ siteId: 'e2e-site', userId: me, amount: 9.99, properties: { sku: 'A1' } });
  expect(body('/api/sdk/people/clear_charges')).toEqual({ siteId: 'e2e-site', userId: me });
  expect(body('/api/sdk/groups/set_group')).toEqual({ siteId: 'e2e-site', userId: me, groupKey: 'company', groupId: 'acme' });
  expect(body('/api/sdk/groups/profile/remove')).toEqual({ siteId: 'e2e-site', userId: me, groupKey: 'company', groupId: 'acme', listName: 'regions', values: ['us'] });
  expect(body('/api/sdk/groups/profile/increment')).toEqual({ siteId: 'e2e-site', userId: me, groupKey: 'company', groupId: 'acme', property: 'seats', value: 1 });
  expect(body('/api/sdk/groups/profile/delete')).toEqual({ siteId: 'e2e-site', userId: me, groupKey: 'company', groupId: 'acme' });
  const reset = body('/api/sdk/reset');
  expect(reset).toMatchObject({ siteId: 'e2e-site', sessionId: identify.sessionId, userId: identify.userId });
  expect(reset.distinctId).toMatch(/^anon_/);
  expect(reset.distinctId).not.toBe(identify.distinctId);

  // Events carry the device's user id; memberships are added to later events' properties.
  const events = await received(collector, 3, (e) => e.event.event_type === 'custom');
  const byName = Object.fromEntries(events.map((e) => [e.event.event_name, e.event]));
  expect(byName.before_login!.user_id).toBe(identify.userId);
  expect(byName.in_group!.custom_properties).toEqual({ company: 'override-wins', team: 'eng' });
  // reset: a new session, announced before its first event; memberships are gone.
  expect(byName.after_reset!.session_id).not.toBe(byName.before_login!.session_id);
  expect(byName.after_reset!.custom_properties).toEqual({});
});

test('a session is announced to /api/sdk/track before its events, with session_start; reset ends it with session_end', async ({ collector, extension, sitePage, site }) => {
  void extension;
  await sitePage.goto(`${site.url}/index.html?utm_source=newsletter`);
  await sitePage.evaluate(async () => {
    window.Trodo!.track('first');
    await window.Trodo!.reset();
    window.Trodo!.track('second');
  });
  const events = await received(collector, 5);
  const requests = collector.requests().filter((r) => r.status === 200 && !r.duplicate);
  const first = events.find((e) => e.event.event_name === 'first')!.event;
  const second = events.find((e) => e.event.event_name === 'second')!.event;
  for (const event of [first, second]) {
    const record = requests.findIndex((r) => r.path === '/api/sdk/track' && (r.body as { sessionData: { session_id: string } }).sessionData.session_id === event.session_id);
    const bulk = requests.findIndex((r) => r.path === '/api/events/bulk' && JSON.stringify(r.body).includes(event.event_id));
    expect(record, `session record of ${event.event_name}`).toBeGreaterThanOrEqual(0);
    expect(record).toBeLessThan(bulk);
  }
  const session = (requests.find((r) => r.path === '/api/sdk/track')!.body as { sessionData: Record<string, unknown> }).sessionData;
  expect(session).toMatchObject({ session_id: first.session_id, site_id: 'e2e-site', user_id: first.user_id, distinct_id: expect.stringMatching(/^anon_/), utm_source: 'newsletter', end_time: null });
  const auto = events.filter((e) => e.event.event_type === 'auto').map((e) => [e.event.event_name, e.event.event_category, e.event.session_id]);
  expect(auto).toEqual(expect.arrayContaining([
    ['session_start', 'session', first.session_id],
    ['session_end', 'session', first.session_id],
    ['session_start', 'session', second.session_id],
  ]));
});

test('identify adopts the distinct id Trodo answers with (merge), and later calls use it', async ({ collector, extension, sitePage, site }) => {
  void extension;
  collector.faults([{ path: '/api/sdk/identify', status: 200, body: { success: true, merged: true, newDistinctId: 'merged-user-7' } }]);
  await sitePage.goto(`${site.url}/index.html`);
  const result = await sitePage.evaluate(() => window.Trodo!.identify('bob'));
  expect(result).toEqual({ success: true });
  await expect.poll(() => sitePage.evaluate(() => window.Trodo!.getSessionData().distinctId)).toBe('merged-user-7');
  await sitePage.evaluate(() => window.Trodo!.people.set({ merged: true }));
  const [set] = await calls(collector, 1, '/api/sdk/people/set');
  expect(set!.body).toMatchObject({ userId: 'merged-user-7' });
});

test('bad input to every method resolves { success: false } and never throws into the page', async ({ collector, extension, sitePage, site }) => {
  void extension;
  await sitePage.goto(`${site.url}/index.html`);
  const results = await sitePage.evaluate(async () => {
    const T = window.Trodo as unknown as Record<string, (...a: unknown[]) => Promise<{ success: boolean; error?: string }>> & { people: Record<string, (...a: unknown[]) => Promise<{ success: boolean }>> };
    const P = T.people as Required<typeof T.people>;
    return [
      await T.identify!(42), await T.identify!(''), await T.identify!('x'.repeat(256)),
      await P.set!('nope'), await P.increment!('n', 'two'), await P.unset!(7), await P.trackCharge!('1'),
      await T.set_group!('', 'x'), await T.add_group!('team', ['a']),
    ].map((r) => r.success);
  });
  expect(results.every((ok) => ok === false)).toBe(true);
  expect(await sitePage.evaluate(() => window.Trodo!.get_group('', ''))).toBeNull();
  // Calls and events share the worker's queue, sent oldest first: once a later event is
  // in, no call made before it is still on its way.
  await sitePage.evaluate(() => window.Trodo!.track('after_bad_input'));
  await received(collector, 1, (e) => e.event.event_name === 'after_bad_input');
  expect(collector.calls().filter((r) => r.path !== '/api/sdk/track')).toEqual([]);
});
