import { describe, expect, it } from 'vitest';
import type { InitOptions } from '../../lib/tracker/tracker';
import { memoryOutboxStore } from '../../lib/tracker/outbox-store';
import { callBody } from '../../lib/wire/calls';
import { trackerHarness } from './harness';

describe('identify, reset and sessions in the page tracker', () => {
  it('buffers calls made before the state loads and replays them in call order with events', async () => {
    const h = trackerHarness();
    h.T.track('before');
    void h.T.identify('alice');
    h.T.track('after');
    await h.T.ready();
    await h.settle();
    expect(h.sentNames()).toEqual(['session', 'session_start', 'before', 'identify', 'after']);
    const [session, , before, identify, after] = h.sent();
    // Ids are queue order: the session record sorts first.
    expect(h.sent().map((e) => e.id)).toEqual(h.sent().map((e) => e.id).sort());
    expect(before!.distinctId).toMatch(/^anon_/);
    expect(identify!.distinctId).toBe(before!.distinctId);
    expect(after!.distinctId).toBe('id_alice');
    expect(new Set([session, before, identify, after].map((e) => e!.sessionId)).size).toBe(1);
    expect(callBody(identify!, 'site-1')).toEqual({
      siteId: 'site-1', sessionId: before!.sessionId, userId: before!.userId, distinctId: before!.distinctId, identifyId: 'alice',
    });
  });

  it('resolves identify when the worker acknowledges it, and adopts the distinct id Trodo answers with', async () => {
    const h = trackerHarness();
    let result: unknown = null;
    void h.T.identify('  bob ').then((r) => (result = r));
    await h.T.ready();
    await h.settle();
    expect(result).toBeNull();
    h.ackAll();
    await h.settle();
    expect(result).toEqual({ success: true });
    expect(h.T.getSessionData().distinctId).toBe('id_bob');
    h.tracker.receive({ type: 'merge', identifyId: 'bob', distinctId: 'merged-9' });
    expect(h.T.getSessionData().distinctId).toBe('merged-9');
    // An answer for an identify the page has moved on from is ignored.
    h.tracker.receive({ type: 'merge', identifyId: 'bob', distinctId: 'stale' });
    expect(h.T.getSessionData().distinctId).toBe('merged-9');
  });

  it('rejects bad ids with { success: false } and queues nothing', async () => {
    const h = trackerHarness();
    const T = h.T as unknown as { identify: (id: unknown) => Promise<unknown> };
    for (const bad of [42, '', '   ', 'x'.repeat(256), null]) expect(await T.identify(bad)).toMatchObject({ success: false });
    await h.settle();
    expect(h.sentNames()).toEqual([]);
  });

  it('reset ends the session, names the new anonymous id in its body and starts a new session at the next event', async () => {
    const h = trackerHarness();
    h.T.track('one');
    void h.T.identify('carol');
    void h.T.reset();
    h.T.track('two');
    await h.T.ready();
    await h.settle();
    expect(h.sentNames()).toEqual(['session', 'session_start', 'one', 'identify', 'session_end', 'session', 'reset', 'session', 'session_start', 'two']);
    const byName = h.sent();
    const one = byName[2]!;
    const reset = byName[6]!;
    const two = byName[9]!;
    expect(byName[4]).toMatchObject({ kind: 'auto', category: 'session', sessionId: one.sessionId });
    expect(byName[5]!.properties.ended_at).toEqual(expect.any(Number));
    expect(callBody(reset, 's')).toEqual({ siteId: 's', sessionId: one.sessionId, userId: one.userId, distinctId: two.distinctId });
    expect(two.distinctId).toMatch(/^anon_/);
    expect(two.distinctId).not.toBe(one.distinctId);
    expect(two.sessionId).not.toBe(one.sessionId);
    // The device's user id stays, as in the official SDK.
    expect(two.userId).toBe(one.userId);
  });

  it('ends a session after 30 minutes without activity and announces the next one before its first event', async () => {
    const h = trackerHarness();
    h.T.track('first');
    await h.T.ready();
    h.clock.now += 29 * 60_000;
    h.T.track('same_session');
    h.clock.now += 31 * 60_000;
    h.T.track('next_session');
    await h.settle();
    expect(h.sentNames()).toEqual(['session', 'session_start', 'first', 'same_session', 'session_end', 'session', 'session', 'session_start', 'next_session']);
    const sent = h.sent();
    expect(sent[3]!.sessionId).toBe(sent[2]!.sessionId);
    expect(sent[8]!.sessionId).not.toBe(sent[2]!.sessionId);
    expect(sent[4]!.time).toBe(sent[3]!.time); // session_end at the last activity
    expect(sent[4]!.properties).toEqual({ duration: 29 * 60 });
  });

  it('keeps identity and session across reloads in the origin store, without announcing the session again', async () => {
    const store = memoryOutboxStore();
    const first = trackerHarness({ store });
    void first.T.identify('dave');
    await first.T.ready();
    await first.settle();
    const second = trackerHarness({ store, start: first.clock.now + 60_000 });
    second.T.track('after_reload');
    await second.T.ready();
    await second.settle();
    const { sessionId, distinctId } = first.T.getSessionData();
    expect(second.T.getSessionData()).toMatchObject({ sessionId, distinctId: 'id_dave' });
    expect(distinctId).toBe('id_dave');
    // The first load's un-acked items are sent again, then only the new event.
    expect(second.sentNames().filter((n) => n === 'session')).toHaveLength(1);
    expect(second.sentNames().at(-1)).toBe('after_reload');
  });

  it('getSessionData and every method are safe before the state has loaded', () => {
    const h = trackerHarness();
    expect(h.T.getSessionData()).toMatchObject({ sessionId: null, userId: null, duration: 0 });
    expect(h.T.getTrackingConsent()).toBe(true);
    expect(h.T.siteId).toBe('');
    void (h.T.init as (o: InitOptions) => Promise<void>)({ siteId: 'page-site', autoEvents: false });
    expect(h.T.siteId).toBe('page-site');
  });
});
