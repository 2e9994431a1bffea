import { describe, expect, it } from 'vitest';
import { callBody, callPath } from '../../lib/wire/calls';
import { trackerHarness } from './harness';

/** The requests the calls made so far become, as [path, body] (session items left out). */
async function requests(h: ReturnType<typeof trackerHarness>) {
  await h.T.ready();
  await h.settle();
  return h.sent().filter((e) => e.call && e.call !== 'session').map((e) => [callPath(e.call!), callBody(e, 'site')] as const);
}

describe('people.* in the page tracker', () => {
  it('queues each operation with the official path and body; userId is the distinct id', async () => {
    const h = trackerHarness();
    const P = h.T.people;
    void P.set({ plan: 'pro', when: new Date(0) });
    void P.setOnce({ first: 1 });
    void P.set_once({ first: 2 });
    void P.unset('plan');
    void P.unset(['a', 'b']);
    void P.increment('logins');
    void P.increment('credits', 5);
    void P.append('tags', 'x');
    void P.union('tags', ['y', 'z']);
    void P.remove('tags', ['x']);
    void P.trackCharge(9.5, { sku: 'A' });
    void P.trackCharge(1);
    void P.clearCharges();
    const got = await requests(h);
    const user = h.T.getSessionData().distinctId;
    const base = { siteId: 'site', userId: user };
    expect(got).toEqual([
      ['/api/sdk/people/set', { ...base, properties: { plan: 'pro', when: '1970-01-01T00:00:00.000Z' } }],
      ['/api/sdk/people/set_once', { ...base, properties: { first: 1 } }],
      ['/api/sdk/people/set_once', { ...base, properties: { first: 2 } }],
      ['/api/sdk/people/unset', { ...base, keys: 'plan' }],
      ['/api/sdk/people/unset', { ...base, keys: ['a', 'b'] }],
      ['/api/sdk/people/increment', { ...base, key: 'logins', amount: 1 }],
      ['/api/sdk/people/increment', { ...base, key: 'credits', amount: 5 }],
      ['/api/sdk/people/append', { ...base, key: 'tags', values: ['x'] }],
      ['/api/sdk/people/union', { ...base, key: 'tags', values: ['y', 'z'] }],
      ['/api/sdk/people/remove', { ...base, key: 'tags', values: ['x'] }],
      ['/api/sdk/people/track_charge', { ...base, amount: 9.5, properties: { sku: 'A' } }],
      ['/api/sdk/people/track_charge', { ...base, amount: 1, properties: {} }],
      ['/api/sdk/people/clear_charges', base],
    ]);
  });

  it('increment({ key: amount }) becomes one call per key and resolves once all are queued', async () => {
    const h = trackerHarness();
    const done = h.T.people.increment({ a: 1, b: -2 });
    const got = await requests(h);
    expect(got.map(([, body]) => [body.key, body.amount])).toEqual([['a', 1], ['b', -2]]);
    h.ackAll();
    await expect(done).resolves.toEqual({ success: true });
  });

  it('bad input resolves { success: false, error } without queueing or throwing', async () => {
    const h = trackerHarness();
    const P = h.T.people as unknown as Record<string, (...args: unknown[]) => Promise<{ success: boolean; error?: string }>>;
    const results = await Promise.all([
      P.set!('nope'), P.set!(null), P.unset!(''), P.unset!([]), P.unset!([1]), P.increment!('n', 'two'), P.increment!('n', NaN),
      P.increment!({}), P.increment!(''), P.append!('', [1]), P.trackCharge!('1'), P.trackCharge!(Infinity),
    ]);
    for (const result of results) expect(result).toEqual({ success: false, error: expect.any(String) });
    expect(await requests(h)).toEqual([]);
    expect(h.debug.length).toBe(results.length);
  });

  it('deleteUser is queued for the current user, then the device starts over as a new anonymous user', async () => {
    const h = trackerHarness();
    void h.T.identify('erin');
    void h.T.people.deleteUser();
    h.T.track('afterwards');
    const got = await requests(h);
    expect(got.at(-1)).toEqual(['/api/sdk/people/delete_user', { siteId: 'site', userId: 'id_erin' }]);
    const after = h.sent().at(-1)!;
    expect(after.name).toBe('afterwards');
    expect(after.distinctId).toMatch(/^anon_/);
    expect(after.userId).not.toBe(h.sent()[0]!.userId);
  });
});

describe('groups in the page tracker', () => {
  it('set_group, add_group and remove_group are queued and their memberships added to later events', async () => {
    const h = trackerHarness();
    void h.T.set_group('company', 'acme');
    void h.T.add_group('team', 'eng');
    void h.T.add_group('team', 'design');
    h.T.track('in_two_teams', { own: 1 });
    void h.T.remove_group('team', 'eng');
    void h.T.set_group('region', ['eu', 'us']);
    h.T.track('later', { company: 'mine-wins' });
    const got = await requests(h);
    expect(got.map(([path]) => path)).toEqual([
      '/api/sdk/groups/set_group', '/api/sdk/groups/add_group', '/api/sdk/groups/add_group', '/api/sdk/groups/remove_group', '/api/sdk/groups/set_group',
    ]);
    expect(got[0]![1]).toEqual({ siteId: 'site', userId: expect.any(String), groupKey: 'company', groupId: 'acme' });
    expect(got[4]![1]).toMatchObject({ groupKey: 'region', groupId: ['eu', 'us'] });
    const events = Object.fromEntries(h.sent().filter((e) => !e.call).map((e) => [e.name, e.properties]));
    expect(events.in_two_teams).toEqual({ company: 'acme', team: ['eng', 'design'], own: 1 });
    expect(events.later).toEqual({ company: 'mine-wins', team: 'design', region: ['eu', 'us'] });
  });

  it('get_group returns profile methods with the official bodies; bad keys give null', async () => {
    const h = trackerHarness();
    const g = h.T.get_group('company', 'acme')!;
    void g.set({ tier: 'gold' });
    void g.set_once({ founded: 1999 });
    void g.union('regions', ['eu']);
    void g.remove('regions', 'us');
    void g.unset('legacy');
    void g.increment('seats');
    void g.increment('seats', 3);
    void g.append('notes', 'hi');
    void g.delete();
    expect(h.T.get_group('', 'x')).toBeNull();
    const got = await requests(h);
    const ids = { siteId: 'site', userId: expect.any(String), groupKey: 'company', groupId: 'acme' };
    expect(got).toEqual([
      ['/api/sdk/groups/profile/set', { ...ids, properties: { tier: 'gold' } }],
      ['/api/sdk/groups/profile/set_once', { ...ids, properties: { founded: 1999 } }],
      ['/api/sdk/groups/profile/union', { ...ids, listName: 'regions', values: ['eu'] }],
      ['/api/sdk/groups/profile/remove', { ...ids, listName: 'regions', values: ['us'] }],
      ['/api/sdk/groups/profile/unset', { ...ids, property: 'legacy' }],
      ['/api/sdk/groups/profile/increment', { ...ids, property: 'seats', value: 1 }],
      ['/api/sdk/groups/profile/increment', { ...ids, property: 'seats', value: 3 }],
      ['/api/sdk/groups/profile/append', { ...ids, property: 'notes', value: 'hi' }],
      ['/api/sdk/groups/profile/delete', ids],
    ]);
  });
});
