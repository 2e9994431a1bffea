import { describe, expect, it } from 'vitest';
import type { Json } from '../../lib/json';
import { classify } from '../../lib/delivery/classify';
import type { HttpResult } from '../../lib/delivery/transport';

const NOW = Date.UTC(2025, 0, 1);
const response = (status: number, body?: Json, retryAfter: string | null = null): HttpResult => ({
  kind: 'response',
  status,
  retryAfter,
  body,
});

describe('classify', () => {
  it.each([200, 201, 202, 204, 299])('%i is sent', (status) => {
    expect(classify(response(status), NOW)).toEqual({ kind: 'sent', status });
  });

  it('400 naming ids: rejected with those ids and the server message', () => {
    const outcome = classify(response(400, { error: '1 invalid events', invalid: [{ event_id: 'e1', reason: 'event_name must be a non-empty string' }] }), NOW);
    expect(outcome).toEqual({
      kind: 'rejected',
      status: 400,
      reason: 'HTTP 400: 1 invalid events',
      invalid: new Map([['e1', 'event_name must be a non-empty string']]),
    });
  });

  it('400 naming no ids: rejected with an empty map (the whole batch)', () => {
    const outcome = classify(response(400, { message: 'bad body' }), NOW);
    expect(outcome).toEqual({ kind: 'rejected', status: 400, reason: 'HTTP 400: bad body', invalid: new Map() });
    expect(classify(response(400), NOW)).toMatchObject({ kind: 'rejected', reason: 'HTTP 400', invalid: new Map() });
  });

  it('422 is treated like 400', () => {
    expect(classify(response(422, { invalid: [{ event_id: 'x' }] }), NOW)).toMatchObject({ kind: 'rejected', status: 422, invalid: new Map([['x', 'rejected by the server']]) });
  });

  it('413 splits', () => {
    expect(classify(response(413, { error: 'too large' }), NOW)).toEqual({ kind: 'split', status: 413 });
  });

  it('429 with Retry-After seconds retries after that long', () => {
    expect(classify(response(429, { error: 'slow down' }, '7'), NOW)).toEqual({ kind: 'retry', status: 429, reason: 'HTTP 429: slow down', afterMs: 7000 });
  });

  it('429 with an HTTP-date Retry-After retries at that date', () => {
    expect(classify(response(429, undefined, new Date(NOW + 45_000).toUTCString()), NOW)).toMatchObject({ kind: 'retry', afterMs: 45_000 });
  });

  it('429 without Retry-After falls back to backoff', () => {
    expect(classify(response(429), NOW)).toEqual({ kind: 'retry', status: 429, reason: 'HTTP 429', afterMs: null });
  });

  it.each([408, 500, 502, 503, 504, 401, 403, 404])('%i retries with backoff (kept, not dropped)', (status) => {
    expect(classify(response(status), NOW)).toEqual({ kind: 'retry', status, reason: `HTTP ${status}`, afterMs: null });
  });

  it('ignores Retry-After on statuses other than 429', () => {
    expect(classify(response(503, undefined, '30'), NOW)).toMatchObject({ kind: 'retry', afterMs: null });
  });

  it('401 keeps the server message in the reason so the popup can show it', () => {
    expect(classify(response(401, { error: 'missing X-Trodo-Site-Id header' }), NOW)).toMatchObject({ reason: 'HTTP 401: missing X-Trodo-Site-Id header' });
  });

  it('caps a long server message at 200 characters', () => {
    const outcome = classify(response(500, { error: 'e'.repeat(1000) }), NOW);
    expect(outcome.kind === 'retry' && outcome.reason).toBe(`HTTP 500: ${'e'.repeat(200)}`);
  });

  it('a network failure or timeout retries with backoff', () => {
    expect(classify({ kind: 'failure', error: 'network error: ECONNRESET' }, NOW)).toEqual({ kind: 'retry', reason: 'network error: ECONNRESET', afterMs: null });
    expect(classify({ kind: 'failure', error: 'timed out after 10 s' }, NOW)).toMatchObject({ kind: 'retry', afterMs: null });
  });

  it('without retryClientErrors (the Node SDK), other 4xx are refused; 408, 429 and 5xx still retry', () => {
    const node = { retryClientErrors: false };
    for (const status of [401, 403, 404, 409]) expect(classify(response(status), NOW, node)).toMatchObject({ kind: 'rejected', status, invalid: new Map() });
    for (const status of [408, 500, 503]) expect(classify(response(status), NOW, node)).toMatchObject({ kind: 'retry', status });
    expect(classify(response(429), NOW, node)).toMatchObject({ kind: 'retry' });
    expect(classify(response(404), NOW)).toMatchObject({ kind: 'retry' }); // the extension's default
  });
});
