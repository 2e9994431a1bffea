import { describe, expect, it } from 'vitest';
import { memoryOutboxStore } from '../../lib/tracker/outbox-store';
import { fakeBroadcast, trackerHarness } from './harness';

describe('tracking consent', () => {
  it('setTrackingConsent(false) stops capture at once: events are dropped, calls resolve { success: false }', async () => {
    const h = trackerHarness();
    h.T.track('before');
    h.T.setTrackingConsent(false);
    expect(h.T.getTrackingConsent()).toBe(false);
    h.T.track('during');
    const set = h.T.people.set({ a: 1 });
    await h.T.ready();
    await h.settle();
    await expect(set).resolves.toEqual({ success: false, error: 'tracking consent is withdrawn' });
    expect(h.sentNames()).toEqual(['session', 'session_start', 'before']);
    h.T.setTrackingConsent(true);
    h.T.track('after');
    await h.settle();
    expect(h.sentNames().at(-1)).toBe('after');
  });

  it('is kept in the origin store: a reload starts with consent withdrawn, and earlier un-acked events are still delivered', async () => {
    const store = memoryOutboxStore();
    const first = trackerHarness({ store });
    first.T.track('captured_before');
    first.T.setTrackingConsent(false);
    await first.T.ready();
    await first.settle();
    const second = trackerHarness({ store });
    second.T.track('after_reload');
    await second.T.ready();
    await second.settle();
    expect(second.T.getTrackingConsent()).toBe(false);
    expect(second.sentNames()).toEqual(['session', 'session_start', 'captured_before']);
  });

  it('ignores values other than true and false', async () => {
    const h = trackerHarness();
    (h.T.setTrackingConsent as (v: unknown) => void)('no');
    expect(h.T.getTrackingConsent()).toBe(true);
    expect(h.debug).toContain('setTrackingConsent needs true or false');
  });

  it('is shared with the origin’s other tabs, like identity and session', async () => {
    const channel = fakeBroadcast();
    const store = memoryOutboxStore();
    const a = trackerHarness({ store, share: channel() });
    await a.T.ready();
    const b = trackerHarness({ store, share: channel() });
    await b.T.ready();
    void a.T.identify('fay');
    await a.settle();
    expect(b.T.getSessionData()).toMatchObject({ distinctId: 'id_fay', sessionId: a.T.getSessionData().sessionId });
    a.T.setTrackingConsent(false);
    expect(b.T.getTrackingConsent()).toBe(false);
    b.T.track('from_b');
    await b.settle();
    expect(b.sentNames()).toEqual([]);
  });
});
