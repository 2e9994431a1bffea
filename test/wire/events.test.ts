import { describe, expect, it } from 'vitest';
import type { TrodoEvent } from '../../lib/event';
import type { Json } from '../../lib/json';
import {
  PATHS, SITE_ID_HEADER, bulkRequest, joinUrl, rejectedEventIds, toWireEvent, wireEventProblem, type WireEvent,
} from '../../lib/wire/events';
import { PAGE, T0, makeEvent } from '../helpers';

describe('toWireEvent', () => {
  it('maps every field to the snake_case wire shape', () => {
    const event: TrodoEvent = makeEvent({
      kind: 'auto',
      name: 'element_click',
      category: 'interaction',
      sessionId: 'sess-9',
      distinctId: 'user-42',
      userId: 'device-7',
      properties: { plan: 'pro' },
      autoData: { selector: '#buy' },
      element: { tag: 'button', text: 'Buy' },
      notes: ['never sent'],
    });
    expect(toWireEvent(event)).toEqual({
      event_id: event.id,
      timestamp: new Date(T0).toISOString(),
      event_type: 'auto',
      event_name: 'element_click',
      event_category: 'interaction',
      session_id: 'sess-9',
      // user_id is the device id, as in the official SDK (the distinct id goes with identify).
      user_id: 'device-7',
      custom_properties: { plan: 'pro' },
      auto_event_data: { selector: '#buy' },
      page_data: {
        current_url: PAGE.url,
        page_title: PAGE.title,
        uri: PAGE.path,
        referrer: PAGE.referrer,
        screen_width: PAGE.screenWidth,
        screen_height: PAGE.screenHeight,
        viewport_width: PAGE.viewportWidth,
        viewport_height: PAGE.viewportHeight,
        dpi: PAGE.dpi,
      },
      element_data: { tag: 'button', text: 'Buy' },
      // As the official SDK sends on every event; UTM values come from the page URL.
      override_data: expect.objectContaining({ wallet_address: null, is_web3_user: false, referrer: PAGE.referrer }),
    } satisfies WireEvent);
  });

  it('writes the timestamp as an ISO string in UTC, with milliseconds', () => {
    expect(toWireEvent(makeEvent({ time: Date.UTC(2024, 11, 31, 23, 59, 59, 7) })).timestamp).toBe('2024-12-31T23:59:59.007Z');
  });

  it('leaves element_data out when the event has none, and sends auto_event_data as {}', () => {
    const wire = toWireEvent(makeEvent());
    expect('element_data' in wire).toBe(false);
    expect(wire.auto_event_data).toEqual({});
    expect(JSON.stringify(wire)).not.toContain('element_data');
  });

  it('never sends the tracker notes', () => {
    expect(JSON.stringify(toWireEvent(makeEvent({ notes: ['secret note'] })))).not.toContain('secret note');
  });

  it('keeps a null referrer as null', () => {
    expect(toWireEvent(makeEvent({ page: { ...PAGE, referrer: null } })).page_data.referrer).toBeNull();
  });

  it('produces events the wire check accepts', () => {
    expect(wireEventProblem(toWireEvent(makeEvent()))).toBeNull();
    expect(wireEventProblem(toWireEvent(makeEvent({ element: { a: 1 }, autoData: { b: 2 } })))).toBeNull();
  });
});

describe('bulkRequest / joinUrl', () => {
  it.each([
    ['https://sdkapi.trodo.ai', 'https://sdkapi.trodo.ai/api/events/bulk'],
    ['https://sdkapi.trodo.ai/', 'https://sdkapi.trodo.ai/api/events/bulk'],
    ['https://sdkapi.trodo.ai///', 'https://sdkapi.trodo.ai/api/events/bulk'],
    ['http://127.0.0.1:4318/prefix/', 'http://127.0.0.1:4318/prefix/api/events/bulk'],
    ['http://127.0.0.1:4318/prefix', 'http://127.0.0.1:4318/prefix/api/events/bulk'],
  ])('joins %s to the bulk path', (host, url) => {
    expect(bulkRequest(host, 'site', []).url).toBe(url);
    expect(joinUrl(host, PATHS.bulk)).toBe(url);
  });

  it('posts JSON with the site id header and the wire events in order', () => {
    const events = [makeEvent({ name: 'first' }), makeEvent({ name: 'second', element: { tag: 'a' } })];
    const request = bulkRequest('https://h.test', 'site-123', events);
    expect(SITE_ID_HEADER).toBe('X-Trodo-Site-Id');
    expect(request.method).toBe('POST');
    expect(request.headers).toEqual({ 'Content-Type': 'application/json', 'X-Trodo-Site-Id': 'site-123' });
    expect(JSON.parse(request.body)).toEqual({ events: events.map(toWireEvent) });
    expect((JSON.parse(request.body) as { events: WireEvent[] }).events.map((e) => e.event_name)).toEqual(['first', 'second']);
  });

  it('keeps the documented Trodo paths', () => {
    expect(PATHS).toMatchObject({
      bulk: '/api/events/bulk',
      event: '/api/events',
      session: '/api/sdk/track',
      identify: '/api/sdk/identify',
      reset: '/api/sdk/reset',
    });
  });
});

describe('wireEventProblem', () => {
  const valid = () => JSON.parse(JSON.stringify(toWireEvent(makeEvent()))) as Record<string, unknown>;

  it('accepts a well-formed event', () => {
    expect(wireEventProblem(valid())).toBeNull();
  });

  it.each([null, 'x', 3, [1]])('rejects a non-object %j', (value) => {
    expect(wireEventProblem(value)).toBe('event is not an object');
  });

  it.each(['event_id', 'timestamp', 'event_name', 'event_category', 'session_id', 'user_id'])('requires %s as a non-empty string', (key) => {
    for (const bad of [undefined, '', 42, null]) {
      const event = valid();
      event[key] = bad;
      expect(wireEventProblem(event)).toBe(`${key} must be a non-empty string`);
    }
  });

  it('requires event_type custom or auto', () => {
    expect(wireEventProblem({ ...valid(), event_type: 'other' })).toBe('event_type must be "custom" or "auto"');
    expect(wireEventProblem({ ...valid(), event_type: undefined })).toBe('event_type must be "custom" or "auto"');
  });

  it('requires a parseable timestamp', () => {
    expect(wireEventProblem({ ...valid(), timestamp: 'yesterday-ish' })).toBe('timestamp is not a date');
  });

  it('limits event_name to 255 characters', () => {
    expect(wireEventProblem({ ...valid(), event_name: 'n'.repeat(255) })).toBeNull();
    expect(wireEventProblem({ ...valid(), event_name: 'n'.repeat(256) })).toBe('event_name is longer than 255 characters');
  });

  it.each(['custom_properties', 'auto_event_data', 'page_data'])('requires %s to be an object', (key) => {
    expect(wireEventProblem({ ...valid(), [key]: [] })).toBe(`${key} must be an object`);
    expect(wireEventProblem({ ...valid(), [key]: null })).toBe(`${key} must be an object`);
  });

  it('allows element_data to be absent but not a non-object', () => {
    expect(wireEventProblem({ ...valid(), element_data: { a: 1 } })).toBeNull();
    expect(wireEventProblem({ ...valid(), element_data: 'button' })).toBe('element_data must be an object');
  });
});

describe('rejectedEventIds', () => {
  it('reads { invalid: [{ event_id, reason }] }', () => {
    const body: Json = { invalid: [{ event_id: 'a', reason: 'bad name' }, { event_id: 'b' }, { event_id: null, reason: 'x' }, 'junk', { reason: 'no id' }] };
    expect([...rejectedEventIds(body)]).toEqual([
      ['a', 'bad name'],
      ['b', 'rejected by the server'],
    ]);
  });

  it.each([undefined, null, 'error', [], {}, { invalid: 'all' }, { invalid: {} }])('is empty for %j', (body) => {
    expect(rejectedEventIds(body as never).size).toBe(0);
  });
});
