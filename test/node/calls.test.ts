import { describe, expect, it } from 'vitest';
import { setup } from './setup';

const bodies = (c: Awaited<ReturnType<typeof setup>>['collector']) => c.calls().map((r) => [r.path, r.body]);

describe('Node SDK: forUser and sessions', () => {
  it('one session per distinct id, its record sent once and before its first event; a given sessionId is used as is', async () => {
    const { collector, client } = await setup();
    const alice = client.forUser('alice');
    await alice.track('checkout_started');
    await alice.track('checkout_completed', { amount_cents: 9999 });
    await client.track('alice', 'third');
    const bob = client.forUser('bob', { sessionId: 'browser-session-1' });
    await bob.track('from_the_browser_session');

    const sessions = collector.calls().filter((r) => r.path === '/api/sdk/track').map((r) => (r.body as { sessionData: { distinct_id: string; session_id: string } }).sessionData);
    expect(sessions.map((s) => s.distinct_id)).toEqual(['alice', 'bob']);
    expect(sessions[1]!.session_id).toBe('browser-session-1');
    const events = collector.events().map((e) => [e.event.event_name, e.event.user_id, e.event.session_id]);
    expect(events).toEqual([
      ['checkout_started', 'alice', sessions[0]!.session_id],
      ['checkout_completed', 'alice', sessions[0]!.session_id],
      ['third', 'alice', sessions[0]!.session_id],
      ['from_the_browser_session', 'bob', 'browser-session-1'],
    ]);
    // Order on the wire: each session record before that user's first event.
    const paths = collector.requests().map((r) => r.path);
    expect(paths).toEqual(['/api/sdk/track', '/api/events', '/api/events', '/api/events', '/api/sdk/track', '/api/events']);
  });

  it('identify: session record first, then the official body; the identified id carries on the session', async () => {
    const { collector, client } = await setup();
    expect(await client.identify('anon-7', 'bob@example.com')).toMatchObject({ success: true });
    const [session, identify] = collector.calls();
    const sessionId = (session!.body as { sessionData: { session_id: string } }).sessionData.session_id;
    expect(identify).toMatchObject({ path: '/api/sdk/identify', body: { siteId: 'node-site', sessionId, userId: 'anon-7', distinctId: 'anon-7', identifyId: 'bob@example.com' } });
    await client.track('id_bob@example.com', 'after_identify');
    expect(collector.events()[0]!.event.session_id).toBe(sessionId);
    expect(collector.calls().length).toBe(2); // no new session record for the identified id
  });
});

describe('Node SDK: people and groups', () => {
  it('sends every people call with the official path and body', async () => {
    const { collector, client } = await setup();
    const u = client.forUser('user-9');
    await client.people.set('user-9', { plan: 'pro' });
    await client.people.setOnce('user-9', { first_seen: '2025-01-01' });
    await u.people.set_once({ source: 'ads' });
    await client.people.unset('user-9', ['old', 'older']);
    await client.people.increment('user-9', 'logins');
    await u.people.increment({ credits: 5 });
    await client.people.append('user-9', 'tags', 'new');
    await client.people.union('user-9', 'tags', ['a', 'b']);
    await client.people.remove('user-9', 'tags', ['a']);
    await client.people.trackCharge('user-9', 49.5, { sku: 'pro' });
    await client.people.clearCharges('user-9');
    await u.people.deleteUser();
    const id = { siteId: 'node-site', userId: 'user-9' };
    expect(bodies(collector)).toEqual([
      ['/api/sdk/people/set', { ...id, properties: { plan: 'pro' } }],
      ['/api/sdk/people/set_once', { ...id, properties: { first_seen: '2025-01-01' } }],
      ['/api/sdk/people/set_once', { ...id, properties: { source: 'ads' } }],
      ['/api/sdk/people/unset', { ...id, keys: ['old', 'older'] }],
      ['/api/sdk/people/increment', { ...id, key: 'logins', amount: 1 }],
      ['/api/sdk/people/increment', { ...id, key: 'credits', amount: 5 }],
      ['/api/sdk/people/append', { ...id, key: 'tags', values: ['new'] }],
      ['/api/sdk/people/union', { ...id, key: 'tags', values: ['a', 'b'] }],
      ['/api/sdk/people/remove', { ...id, key: 'tags', values: ['a'] }],
      ['/api/sdk/people/track_charge', { ...id, amount: 49.5, properties: { sku: 'pro' } }],
      ['/api/sdk/people/clear_charges', id],
      ['/api/sdk/people/delete_user', id],
    ]);
    // Each carried a call id for deduplication of retries.
    expect(collector.calls().every((r) => typeof r.callId === 'string')).toBe(true);
  });

  it('sends every group call with the official path and body', async () => {
    const { collector, client } = await setup();
    await client.set_group('user-9', 'company', 'acme');
    await client.forUser('user-9').add_group('company', 'globex');
    await client.remove_group('user-9', 'company', 'acme');
    const g = client.get_group('company', 'acme');
    await g.set({ plan: 'enterprise' });
    await g.set_once({ founded: 1999 });
    await g.union('domains', ['acme.test']);
    await g.remove('domains', 'old.test');
    await g.unset('legacy');
    await g.increment('seats', 3);
    await g.append('notes', 'renewed');
    await g.delete();
    const user = { siteId: 'node-site', userId: 'user-9' };
    const group = { siteId: 'node-site', userId: 'server_global', groupKey: 'company', groupId: 'acme' };
    expect(bodies(collector)).toEqual([
      ['/api/sdk/groups/set_group', { ...user, groupKey: 'company', groupId: 'acme' }],
      ['/api/sdk/groups/add_group', { ...user, groupKey: 'company', groupId: 'globex' }],
      ['/api/sdk/groups/remove_group', { ...user, groupKey: 'company', groupId: 'acme' }],
      ['/api/sdk/groups/profile/set', { ...group, properties: { plan: 'enterprise' } }],
      ['/api/sdk/groups/profile/set_once', { ...group, properties: { founded: 1999 } }],
      ['/api/sdk/groups/profile/union', { ...group, listName: 'domains', values: ['acme.test'] }],
      ['/api/sdk/groups/profile/remove', { ...group, listName: 'domains', values: ['old.test'] }],
      ['/api/sdk/groups/profile/unset', { ...group, property: 'legacy' }],
      ['/api/sdk/groups/profile/increment', { ...group, property: 'seats', value: 3 }],
      ['/api/sdk/groups/profile/append', { ...group, property: 'notes', value: 'renewed' }],
      ['/api/sdk/groups/profile/delete', group],
    ]);
  });
});

describe('Node SDK: captureError and the process hooks', () => {
  it('captureError sends server_error for the user, rate limits a burst, and shutdown removes every hook', async () => {
    const before = { exception: process.listenerCount('uncaughtException'), exit: process.listenerCount('beforeExit') };
    const { collector, client } = await setup({ autoEvents: true });
    expect(process.listenerCount('uncaughtException')).toBe(before.exception + 1);
    expect(process.listenerCount('beforeExit')).toBe(before.exit + 1);
    const error = new TypeError(`cannot read x (${Math.random()})`);
    const results = [];
    for (let i = 0; i < 8; i++) results.push(await client.captureError(error, { distinctId: 'user-5', severity: 'warning' }));
    expect(results.filter((r) => r.success).length).toBe(5);
    const [first] = collector.events();
    expect(first!.event).toMatchObject({
      event_type: 'auto', event_name: 'server_error', user_id: 'user-5',
      custom_properties: { error_type: 'TypeError', error_message: error.message, runtime: 'nodejs', severity: 'warning', stack_trace: expect.stringContaining('calls.test.ts') },
    });
    client.disableAutoEvents();
    expect(process.listenerCount('uncaughtException')).toBe(before.exception);
    client.enableAutoEvents();
    await client.shutdown();
    expect(process.listenerCount('uncaughtException')).toBe(before.exception);
    expect(process.listenerCount('beforeExit')).toBe(before.exit);
  });
});
