import { describe, expect, it } from 'vitest';
import type { TrodoEvent } from '../../lib/event';
import { toWireEvent } from '../../lib/wire/events';
import { CALL_OPS, isCallOp } from '../../lib/wire/ops';
import { callPath, callRequest, describeAgent, identifyAnswer, requestFor, sessionRecord } from '../../lib/wire/calls';

const page = { url: 'https://shop.test/a?utm_source=news&utm_campaign=fall', path: '/a', title: 'A', referrer: null, screenWidth: 1440, screenHeight: 900, viewportWidth: 1, viewportHeight: 1, dpi: 2 };
const base: TrodoEvent = { id: '0192f000-0000-7000-8000-000000000001', time: Date.UTC(2026, 0, 1), kind: 'custom', name: 'x', category: 'api', sessionId: 's1', distinctId: 'anon_1', userId: 'u1', properties: {}, page };

describe('wire format of calls', () => {
  it('maps every operation to its /api/sdk path', () => {
    expect(callPath('session')).toBe('/api/sdk/track');
    expect(callPath('people/track_charge')).toBe('/api/sdk/people/track_charge');
    expect(callPath('groups/profile/delete')).toBe('/api/sdk/groups/profile/delete');
    expect(CALL_OPS.every(isCallOp)).toBe(true);
    expect(isCallOp('people/drop_table')).toBe(false);
  });

  it('sends a call alone with the site id header and a call id; plain events in bulk', () => {
    const call = { ...base, call: 'people/set' as const, properties: { properties: { a: 1 } } };
    const request = callRequest('http://h.test/', 'site', call);
    expect(request).toEqual({
      url: 'http://h.test/api/sdk/people/set', method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Trodo-Site-Id': 'site', 'X-Trodo-Call-Id': base.id },
      body: JSON.stringify({ siteId: 'site', userId: 'anon_1', properties: { a: 1 } }),
    });
    expect(requestFor('http://h.test', 'site', [call]).url).toBe('http://h.test/api/sdk/people/set');
    expect(requestFor('http://h.test', 'site', [base, base]).url).toBe('http://h.test/api/events/bulk');
  });

  it('builds the session record with the official keys, UTM from the page and ended sessions', () => {
    const record = sessionRecord({ ...base, call: 'session', properties: { started_at: base.time, last_activity: base.time + 90_000, ended_at: base.time + 90_000, user_agent: 'Mozilla/5.0 (Windows NT 10.0) Chrome/140.0.1 Safari/537.36', language: 'de' } }, 'site');
    expect(record).toMatchObject({
      session_id: 's1', site_id: 'site', user_id: 'u1', distinct_id: 'anon_1', start_time: '2026-01-01T00:00:00.000Z', end_time: '2026-01-01T00:01:30.000Z',
      duration: 90, is_bounce: false, entry_page: '/a', referrer: 'direct', utm_source: 'news', utm_campaign: 'fall', utm_medium: null,
      browser_name: 'Chrome', browser_version: '140.0.1', os: 'Windows', device_type: 'desktop', resolution: '1440x900', language: 'de',
    });
    expect(Object.keys(record)).toHaveLength(45);
  });

  it('reads browser, OS and device from common user agents', () => {
    expect(describeAgent('Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 Mobile/15E148 Safari/604.1')).toEqual({ browser_name: 'Safari', browser_version: '17.0', os: 'iOS', device_type: 'mobile' });
    expect(describeAgent('Mozilla/5.0 (Macintosh; Intel Mac OS X 14.0; rv:128.0) Gecko/20100101 Firefox/128.0')).toMatchObject({ browser_name: 'Firefox', os: 'macOS' });
    expect(describeAgent(null)).toEqual({ browser_name: null, browser_version: null, device_type: null, os: null });
  });

  it('reads identify’s answer: distinctId first, newDistinctId when merged', () => {
    expect(identifyAnswer({ distinctId: 'id_a', newDistinctId: 'x', merged: true })).toBe('id_a');
    expect(identifyAnswer({ merged: true, newDistinctId: 'm' })).toBe('m');
    expect(identifyAnswer({ merged: false, newDistinctId: 'm' })).toBeNull();
    expect(identifyAnswer('nope')).toBeNull();
  });

  it('sends the device id as user_id and the override context on events', () => {
    const wire = toWireEvent(base);
    expect(wire.user_id).toBe('u1');
    expect(wire.override_data).toMatchObject({ utm_source: 'news', referrer: 'direct', wallet_address: null });
    expect(toWireEvent({ ...base, userId: undefined }).user_id).toBe('anon_1');
  });
});
