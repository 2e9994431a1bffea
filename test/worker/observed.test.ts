import { describe, expect, it } from 'vitest';
import { bodyEvents, createObservedLog, decodeBody } from '../../lib/worker/observed';

const bytes = (text: string) => new TextEncoder().encode(text).buffer as ArrayBuffer;

describe('decodeBody', () => {
  it('names the events and calls a request to Trodo carries', () => {
    expect(decodeBody('/api/events', JSON.stringify({ event_name: 'signup', category: 'custom' }))).toEqual(['event signup [custom]']);
    expect(decodeBody('/api/events/bulk', JSON.stringify({ events: [{ event_name: 'a' }, { event_name: 'b' }] }))).toEqual(['event a', 'event b']);
    expect(decodeBody('/api/sdk/track', JSON.stringify({ sessionData: { session_id: 's1', duration: 4, pages_viewed: 1 } }))).toEqual(['session s1, 4 s, 1 pages']);
    expect(decodeBody('/api/sdk/people/set', JSON.stringify({ properties: {}, distinct_id: 'd' }))).toEqual(['people/set (properties, distinct_id)']);
    expect(decodeBody('/api/events', 'not json')).toEqual(['/api/events: body is not JSON (8 bytes)']);
  });
});

describe('bodyEvents', () => {
  it('reads the official wire names (event_type, custom_properties) for the viewer\'s lint', () => {
    expect(bodyEvents('/api/events', JSON.stringify({ event_name: 'Signup', event_type: 'custom', custom_properties: { plan: 'pro' } }))).toEqual([
      { name: 'Signup', kind: 'custom', properties: { plan: 'pro' } },
    ]);
    expect(bodyEvents('/api/events/bulk', JSON.stringify({ events: [{ event_name: 'page_view', event_type: 'auto' }] }))).toEqual([{ name: 'page_view', kind: 'auto', properties: {} }]);
    expect(bodyEvents('/api/sdk/track', '{}')).toEqual([]);
  });

  it('checks each event with the tracking plan\'s check when one is given, as the collector sees wire events', () => {
    const seen: unknown[] = [];
    const violation = { kind: 'not_in_enum', path: '$.properties.plan', expected: '"basic"', actual: '"pro"', message: 'not one of the values' };
    const check = (subject: { name: string; properties: unknown }) => (seen.push(subject), subject.name === 'Signup' ? [violation] : null);
    const events = bodyEvents('/api/events/bulk', JSON.stringify({ events: [{ event_name: 'Signup', event_category: 'custom', event_type: 'custom', custom_properties: { plan: 'pro' } }, { event_name: 'page_view', event_type: 'auto' }] }), check as never);
    expect(events[0]!.violations).toEqual([violation]);
    expect(events[1]!.violations).toBeUndefined();
    expect(seen).toMatchObject([{ name: 'Signup', category: 'custom', kind: 'custom', properties: { plan: 'pro' } }, { name: 'page_view', kind: 'auto' }]);
  });
});

describe('createObservedLog', () => {
  it('keeps each tab request with its decoded body, status, timing or failure; not the extension\'s own or preflights', () => {
    const saved: unknown[] = [];
    const log = createObservedLog({ save: (all) => saved.push(all) });
    const body = { raw: [{ bytes: bytes(JSON.stringify({ event_name: 'x' })) }] };
    log.started({ requestId: '1', tabId: 7, method: 'POST', url: 'https://sdkapi.trodo.ai/api/events', timeStamp: 1000, requestBody: body });
    log.started({ requestId: '2', tabId: 7, method: 'POST', url: 'https://sdkapi.trodo.ai/api/sdk/track', timeStamp: 1010 });
    log.started({ requestId: '3', tabId: -1, method: 'POST', url: 'https://sdkapi.trodo.ai/api/events/bulk', timeStamp: 1020 });
    log.started({ requestId: '4', tabId: 7, method: 'OPTIONS', url: 'https://sdkapi.trodo.ai/api/events', timeStamp: 1020 });
    log.ended({ requestId: '1', timeStamp: 1042, statusCode: 500 });
    log.ended({ requestId: '2', timeStamp: 1030, error: 'net::ERR_CONNECTION_REFUSED' });
    expect(log.forTab(7).map((r) => [r.path, r.status, r.durationMs, r.error, r.decoded])).toEqual([
      ['/api/events', 500, 42, null, ['event x']],
      ['/api/sdk/track', null, 20, 'net::ERR_CONNECTION_REFUSED', ['session record (not an object)']],
    ]);
    expect(log.forTab(-1)).toEqual([]);
    // A restarted worker gets them back from what was saved.
    const again = createObservedLog();
    again.restore(saved.at(-1));
    expect(again.forTab(7)).toEqual(log.forTab(7));
  });
});
