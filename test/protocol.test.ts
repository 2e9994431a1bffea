import { describe, expect, it } from 'vitest';
import type { TrodoEvent } from '../lib/event';
import { ANY_VIEW, CAPS, encodeEvents, isBridgeToWorker, isViewerMessage, parsePageMessage, trodoEventProblem } from '../lib/protocol';
import { makeEvent } from './helpers';

const eventsMessage = (events: unknown[]) => JSON.stringify({ type: 'events', events });

function parsedEvents(detail: unknown) {
  const parsed = parsePageMessage(detail);
  if (!parsed.ok || parsed.value.type !== 'events') throw new Error(`not an events message: ${JSON.stringify(parsed)}`);
  return parsed.value;
}

describe('parsePageMessage', () => {
  it.each([undefined, null, 42, { type: 'hello' }])('refuses a detail that is not a string (%j)', (detail) => {
    expect(parsePageMessage(detail)).toEqual({ ok: false, error: 'detail is not a string' });
  });

  it('refuses a message over the size cap before parsing it', () => {
    const detail = `{"type":"hello","pad":"${'x'.repeat(CAPS.messageBytes)}"}`;
    const parsed = parsePageMessage(detail);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.error).toMatch(/over 2097152/);
  });

  it('accepts a message just under the size cap', () => {
    const head = '{"type":"hello","pad":"';
    const detail = `${head}${'x'.repeat(CAPS.messageBytes - head.length - 2)}"}`;
    expect(detail.length).toBe(CAPS.messageBytes);
    expect(parsePageMessage(detail)).toEqual({ ok: true, value: { type: 'hello' } });
  });

  it.each(['{', 'undefined', "{'t':'hello'}", ''])('refuses text that is not JSON (%j)', (detail) => {
    expect(parsePageMessage(detail)).toEqual({ ok: false, error: 'detail is not JSON' });
  });

  it.each(['null', '[]', '"hello"', '3'])('refuses JSON that is not an object (%s)', (detail) => {
    expect(parsePageMessage(detail)).toEqual({ ok: false, error: 'message is not an object' });
  });

  it('reads hello', () => {
    expect(parsePageMessage('{"type":"hello"}')).toEqual({ ok: true, value: { type: 'hello' } });
  });

  it.each(['{"type":"nope"}', '{"type":"events"}', '{"type":"events","events":{}}', '{"t":"events","events":[]}'])(
    'refuses unknown or malformed types (%s)',
    (detail) => {
      expect(parsePageMessage(detail)).toEqual({ ok: false, error: 'unknown message type' });
    },
  );

  it('reads valid events', () => {
    const events = [makeEvent(), makeEvent({ kind: 'auto', autoData: { a: 1 }, element: { tag: 'a' }, notes: ['n'] })];
    expect(parsedEvents(eventsMessage(events))).toEqual({ type: 'events', events, rejected: [] });
  });

  it('rejects one bad event with its id and reason and keeps the others', () => {
    const good1 = makeEvent();
    const bad = { ...makeEvent(), name: '' };
    const good2 = makeEvent();
    const value = parsedEvents(eventsMessage([good1, bad, good2, 'junk', { id: 'not-a-uuid' }]));
    expect(value.events.map((e) => e.id)).toEqual([good1.id, good2.id]);
    expect(value.rejected).toEqual([
      { id: bad.id, error: 'event name must not be empty' },
      { id: null, error: 'event is not an object' },
      { id: null, error: 'id is not a UUID' },
    ]);
  });

  it('accepts 1000 events and refuses 1001', () => {
    const event = makeEvent();
    expect(parsedEvents(eventsMessage(new Array(CAPS.eventsPerMessage).fill(event))).events).toHaveLength(1000);
    const over = parsePageMessage(eventsMessage(new Array(CAPS.eventsPerMessage + 1).fill(event)));
    expect(over).toEqual({ ok: false, error: '1001 events in one message; at most 1000' });
  });

  it('accepts an empty events list', () => {
    expect(parsedEvents(eventsMessage([]))).toEqual({ type: 'events', events: [], rejected: [] });
  });
});

describe('trodoEventProblem', () => {
  const valid = () => JSON.parse(JSON.stringify(makeEvent())) as Record<string, unknown> & { page: Record<string, unknown> };
  const withField = (key: string, value: unknown) => ({ ...valid(), [key]: value });
  const withPage = (key: string, value: unknown) => {
    const event = valid();
    event.page[key] = value;
    return event;
  };
  const without = (key: string) => {
    const event = valid();
    delete event[key];
    return event;
  };

  it('accepts a well-formed event, with and without optional fields', () => {
    expect(trodoEventProblem(valid())).toBeNull();
    expect(trodoEventProblem({ ...valid(), autoData: {}, element: {}, notes: [] })).toBeNull();
    expect(trodoEventProblem(withPage('referrer', null))).toBeNull();
  });

  it.each<[string, unknown, string]>([
    ['the event', null, 'event is not an object'],
    ['the event', [], 'event is not an object'],
    ['id', 'abc', 'id is not a UUID'],
    ['id', undefined, 'id is not a UUID'],
    ['time', '2024-01-01', 'time is not a date in epoch milliseconds'],
    ['time', NaN, 'time is not a date in epoch milliseconds'],
    ['time', Infinity, 'time is not a date in epoch milliseconds'],
    ['kind', 'page', 'kind must be "custom" or "auto"'],
    ['name', '', 'event name must not be empty'],
    ['name', 'x'.repeat(256), 'event name is 256 characters; the limit is 255'],
    ['name', 5, 'event name must be a string, got number'],
    ['category', '', 'category must not be empty'],
    ['category', undefined, 'category must be a string, got undefined'],
    ['sessionId', '', 'sessionId must be a string of 1–255 characters'],
    ['sessionId', 's'.repeat(256), 'sessionId must be a string of 1–255 characters'],
    ['distinctId', 7, 'distinctId must be a string of 1–255 characters'],
    ['properties', [], 'properties must be an object'],
    ['properties', undefined, 'properties must be an object'],
    ['autoData', 'x', 'autoData must be an object'],
    ['element', [], 'element must be an object'],
    ['page', null, 'page must be an object'],
    ['notes', 'n', 'notes must be a short list of strings'],
    ['notes', [1], 'notes must be a short list of strings'],
    ['notes', new Array(CAPS.notes + 1).fill('n'), 'notes must be a short list of strings'],
  ])('%s = %j → %s', (key, value, problem) => {
    const candidate = key === 'the event' ? value : withField(key, value);
    expect(trodoEventProblem(candidate)).toBe(problem);
  });

  it('accepts exactly CAPS.notes notes', () => {
    expect(trodoEventProblem(withField('notes', new Array(CAPS.notes).fill('n')))).toBeNull();
  });

  it('requires the page strings and numbers', () => {
    for (const key of ['url', 'path', 'title']) expect(trodoEventProblem(withPage(key, 1))).toBe(`page.${key} must be a string`);
    for (const key of ['screenWidth', 'screenHeight', 'viewportWidth', 'viewportHeight', 'dpi']) {
      expect(trodoEventProblem(withPage(key, '1'))).toBe(`page.${key} must be a number`);
    }
    expect(trodoEventProblem(withPage('referrer', undefined))).toBe('page.referrer must be a string or null');
    expect(trodoEventProblem(withPage('referrer', 3))).toBe('page.referrer must be a string or null');
  });

  it('checks sessionId and distinctId presence', () => {
    expect(trodoEventProblem(without('sessionId'))).toMatch(/^sessionId/);
    expect(trodoEventProblem(without('distinctId'))).toMatch(/^distinctId/);
  });

  it('refuses an event over 64 KiB of JSON', () => {
    const big = withField('properties', { blob: 'x'.repeat(CAPS.eventBytes) });
    expect(trodoEventProblem(big)).toMatch(/^event is \d+ bytes; at most 65536$/);
    const fits = withField('properties', { blob: 'x'.repeat(CAPS.eventBytes - 1000) });
    expect(trodoEventProblem(fits)).toBeNull();
  });

  // BUG (lib/protocol.ts trodoEventProblem, the `time` check): any finite number passes, but
  // Date only holds ±8.64e15 ms. Such an event is accepted, queued, and later makes
  // toWireEvent (lib/wire/events.ts `new Date(event.time).toISOString()`) throw RangeError.
  it('refuses a time outside the range a Date can hold', () => {
    expect(trodoEventProblem(withField('time', 1e16))).not.toBeNull();
  });
});

describe('isViewerMessage / isBridgeToWorker', () => {
  it('accepts the viewer commands and nothing else', () => {
    expect(isViewerMessage({ type: 'flush' })).toBe(true);
    expect(isViewerMessage({ type: 'clear' })).toBe(true);
    expect(isViewerMessage({ type: 'save-settings', change: { siteId: 'x' } })).toBe(true);
    expect(isViewerMessage({ type: 'save-settings' })).toBe(false);
    expect(isViewerMessage({ type: 'save-settings', change: 'x' })).toBe(false);
    expect(isViewerMessage({ type: 'site-sending', origin: 'https://shop.test', send: true })).toBe(true);
    expect(isViewerMessage({ type: 'site-sending', origin: 'https://shop.test' })).toBe(false);
    expect(isViewerMessage({ type: 'site-sending', origin: 42, send: false })).toBe(false);
    expect(isViewerMessage({ type: 'delete-everything' })).toBe(false);
    expect(isViewerMessage('flush')).toBe(false);
    expect(isViewerMessage(null)).toBe(false);
  });

  it('accepts view, coverage and unview only with a well-formed query and window', () => {
    const view = { type: 'view', id: 'list', seq: 1, query: ANY_VIEW, offset: 0, limit: 90, live: true };
    expect(isViewerMessage(view)).toBe(true);
    expect(isViewerMessage({ ...view, query: { ...ANY_VIEW, tabId: 7, status: 'held', name: 'signup_completed' } })).toBe(true);
    expect(isViewerMessage({ ...view, query: { ...ANY_VIEW, status: 'lost' } })).toBe(false);
    expect(isViewerMessage({ ...view, query: { ...ANY_VIEW, tabId: '7' } })).toBe(false);
    expect(isViewerMessage({ ...view, query: { ...ANY_VIEW, name: undefined } })).toBe(false);
    expect(isViewerMessage({ ...view, offset: -1 })).toBe(false);
    expect(isViewerMessage({ ...view, limit: 1.5 })).toBe(false);
    expect(isViewerMessage({ ...view, live: 'yes' })).toBe(false);
    expect(isViewerMessage({ type: 'coverage', id: 'plan', tabId: null })).toBe(true);
    expect(isViewerMessage({ type: 'coverage', id: 'plan' })).toBe(false);
    expect(isViewerMessage({ type: 'unview', id: 'plan' })).toBe(true);
    expect(isViewerMessage({ type: 'unview' })).toBe(false);
  });

  it("accepts bridge messages of one shape only: the page's events text, unparsed", () => {
    const events: TrodoEvent[] = [makeEvent()];
    expect(isBridgeToWorker({ type: 'page-events', json: encodeEvents(events.map((e) => JSON.stringify(e))) })).toBe(true);
    expect(isBridgeToWorker({ type: 'page-events', json: events })).toBe(false);
    // The parsed shape tests once used is not a bridge message.
    expect(isBridgeToWorker({ type: 'events', events })).toBe(false);
    expect(isBridgeToWorker({ type: 'ack', ids: [] })).toBe(false);
    expect(isBridgeToWorker(undefined)).toBe(false);
  });
});
