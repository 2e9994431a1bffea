import { describe, expect, it } from 'vitest';
import { setup, waitFor } from './setup';

const names = (c: Awaited<ReturnType<typeof setup>>['collector']) => c.events().map((e) => e.event.event_name);
const bulkSizes = (c: Awaited<ReturnType<typeof setup>>['collector']) => c.requests().filter((r) => r.path === '/api/events/bulk' && r.status === 200).map((r) => r.events);

describe('Node SDK delivery, unbatched', () => {
  it('sends the session record, then the event alone to /api/events; await track() resolves after the answer', async () => {
    const { collector, client } = await setup();
    const result = await client.track('user-42', 'signup_completed', { plan: 'pro', url: 'stripped', n: NaN });
    expect(result).toMatchObject({ success: true });
    expect(result.notes?.length).toBe(2);
    // Resolved after the answer: the collector already has it.
    const [session, event] = collector.requests();
    expect(session).toMatchObject({ path: '/api/sdk/track', siteId: 'node-site', status: 200 });
    const record = (session!.body as { sessionData: Record<string, unknown> }).sessionData;
    expect(record).toMatchObject({ referrer: 'server', device_type: 'server', distinct_id: 'user-42', user_id: 'user-42', site_id: 'node-site' });
    expect(event).toMatchObject({ path: '/api/events', status: 200, accepted: 1 });
    const [received] = collector.events();
    expect(received!.event).toMatchObject({
      event_id: result.eventId, event_type: 'custom', event_name: 'signup_completed', event_category: 'custom',
      user_id: 'user-42', session_id: record.session_id, custom_properties: { plan: 'pro', n: null },
    });
  });

  it('takes category and timestamp from the options', async () => {
    const { collector, client } = await setup();
    await client.trackEvent('u', 'risk_flag_raised', { score: 0.82 }, { category: 'security', timestamp: new Date('2025-01-02T03:04:05Z') });
    expect(collector.events()[0]!.event).toMatchObject({ event_category: 'security', timestamp: '2025-01-02T03:04:05.000Z' });
  });

  it('never throws for bad input: it resolves what was wrong and onError hears it', async () => {
    const { collector, client, errors } = await setup();
    const circular: Record<string, unknown> = { a: 1 };
    circular.self = circular;
    const bad = [
      await client.track('', 'x'),
      await client.track('u', ''),
      await client.track('u', 'x'.repeat(256)),
      await client.track(undefined as never, 'x'),
      await client.track('u', Symbol('s') as never),
      await client.people.set('u', 'nope' as never),
      await client.people.increment('u', 'credits', Infinity),
      await client.get_group('', 'x').set({ a: 1 }),
      await client.identify('u', ''),
    ];
    expect(bad.every((r) => r.success === false && typeof r.error === 'string')).toBe(true);
    expect(errors.map((e) => e.kind)).toEqual(Array(bad.length).fill('invalid'));
    const ok = await client.track('u', 'circular_ok', circular);
    expect(ok.success).toBe(true);
    expect(names(collector)).toEqual(['circular_ok']);
  });

  it('before init and after shutdown, calls resolve { success: false } and nothing is sent', async () => {
    const { createClient } = await import('../../lib/node/client');
    const fresh = createClient();
    expect(await fresh.track('u', 'e')).toMatchObject({ success: false, error: expect.stringMatching(/init/) });
    const { collector, client, errors } = await setup();
    await client.shutdown();
    expect(await client.track('u', 'after')).toMatchObject({ success: false });
    expect(errors.at(-1)?.kind).toBe('closed');
    expect(collector.requests()).toEqual([]);
  });
});

describe('Node SDK delivery, batched', () => {
  it('sends a batch when batchSize events are queued, without a flush', async () => {
    const { collector, client } = await setup({ batchEnabled: true, batchSize: 5, batchFlushIntervalMs: 60_000 });
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => client.track('u', `e${i}`)));
    expect(results.every((r) => r.success && r.queued)).toBe(true);
    await waitFor(() => collector.events().length === 10);
    expect(names(collector)).toEqual(Array.from({ length: 10 }, (_, i) => `e${i}`));
    expect(bulkSizes(collector).reduce((a, b) => a! + b!, 0)).toBe(10);
  });

  it('sends what is queued when the flush interval ends, without a flush', async () => {
    const { collector, client } = await setup({ batchEnabled: true, batchSize: 50, batchFlushIntervalMs: 200 });
    const started = Date.now();
    for (let i = 0; i < 3; i++) void client.track('u', `e${i}`);
    await waitFor(() => collector.events().length === 3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(bulkSizes(collector)).toEqual([3]);
  });

  it('flush() waits for the request in flight and reports the totals', async () => {
    const { collector, client } = await setup({ batchEnabled: true, batchSize: 5, batchFlushIntervalMs: 60_000 });
    collector.faults([{ delayMs: 600 }]);
    for (let i = 0; i < 5; i++) void client.track('u', `e${i}`);
    // The size trigger has started the (slow) request: flush must not resolve before its answer.
    await waitFor(() => collector.requests().some((r) => r.path === '/api/events/bulk'));
    const result = await client.flush();
    expect(collector.events().length).toBe(5);
    expect(result).toEqual({ sent: 6, failed: 0, dropped: 0, pending: 0 }); // 5 events and the session record
  });

  it('rides out 503s, a 429 with Retry-After, a dropped connection and a timeout: no loss, no duplicate after dedupe', async () => {
    const { collector, client, errors } = await setup({ batchEnabled: true, batchSize: 10, batchFlushIntervalMs: 60_000, timeoutMs: 300 });
    collector.faults([
      { status: 503, times: 3 },
      { status: 429, retryAfter: '1' },
      { drop: true },
      { delayMs: 900 }, // answered after the client gave up: the retry is a duplicate the collector drops
    ]);
    for (let i = 0; i < 40; i++) void client.track(`user-${i % 4}`, `e${i}`);
    const started = Date.now();
    const result = await client.flush();
    expect(result).toMatchObject({ failed: 0, dropped: 0, pending: 0 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000); // the Retry-After was honoured
    expect(new Set(names(collector)).size).toBe(40);
    expect(collector.events().length).toBe(40);
    await waitFor(() => collector.duplicates() >= 1, 5000);
    const retries = errors.filter((e) => e.kind === 'retrying').map((e) => e.message);
    expect(retries.some((m) => m.includes('HTTP 503'))).toBe(true);
    expect(retries.some((m) => m.includes('HTTP 429'))).toBe(true);
    expect(retries.some((m) => m.includes('timed out'))).toBe(true);
  });

  it('splits a batch on 413 and drops only an event that is too large alone', async () => {
    const { collector, client, errors } = await setup({ batchEnabled: true, batchSize: 40, batchFlushIntervalMs: 60_000 });
    collector.faults([{ status: 413, overEvents: 10, times: 100 }]);
    for (let i = 0; i < 40; i++) void client.track('u', `e${i}`);
    const result = await client.flush();
    expect(result).toMatchObject({ failed: 0, dropped: 0, pending: 0 });
    // Two bulk requests may overlap, so the halves can arrive out of order: all of them, once.
    expect(names(collector).sort()).toEqual(Array.from({ length: 40 }, (_, i) => `e${i}`).sort());
    expect(Math.max(...bulkSizes(collector).map(Number))).toBeLessThanOrEqual(10);

    const { collector: c2, client: single, errors: e2 } = await setup();
    c2.faults([{ status: 413, path: '/api/events' }]);
    const alone = await single.track('u', 'huge');
    expect(alone).toMatchObject({ success: false, error: expect.stringContaining('413') });
    expect(e2.at(-1)).toMatchObject({ kind: 'rejected', count: 1 });
    expect(await single.flush()).toMatchObject({ failed: 1, pending: 0 });
    expect(errors.filter((e) => e.kind === 'rejected')).toEqual([]);
  });

  it('a 400 naming invalid events drops only those; 4xx other than 408/429 are never retried as such', async () => {
    const { collector, client, errors } = await setup({ batchEnabled: true, batchSize: 20, batchFlushIntervalMs: 60_000 });
    collector.faults([{ rejectEventNames: ['bad_event'] }]);
    for (let i = 0; i < 10; i++) void client.track('u', i % 3 === 0 ? 'bad_event' : `good${i}`);
    const result = await client.flush();
    expect(result).toMatchObject({ failed: 4, dropped: 0, pending: 0 });
    expect(names(collector)).toEqual(['good1', 'good2', 'good4', 'good5', 'good7', 'good8']);
    expect(errors.find((e) => e.kind === 'rejected')).toMatchObject({ count: 4 });
  });

  it('never retries other 4xx: a 404 refuses the batch, counted and reported; 408 is retried', async () => {
    const { collector, client, errors } = await setup({ batchEnabled: true, batchSize: 20, batchFlushIntervalMs: 60_000 });
    collector.faults([{ status: 408 }, { status: 404 }]);
    for (let i = 0; i < 3; i++) void client.track('u', `e${i}`);
    const result = await client.flush();
    expect(result).toMatchObject({ sent: 1, failed: 3, pending: 0 }); // the session record got through
    expect(collector.requests().filter((r) => r.path === '/api/events/bulk').map((r) => r.status)).toEqual([408, 404]);
    expect(errors.find((e) => e.kind === 'rejected')).toMatchObject({ count: 3, message: expect.stringContaining('HTTP 404') });
    expect(collector.events()).toEqual([]);
  });

  it('unbatched, a failed attempt resolves track() as queued with the error; the retry delivers it', async () => {
    const { collector, client } = await setup();
    collector.faults([{ status: 503, path: '/api/events' }]);
    const result = await client.track('u', 'after_a_503');
    expect(result).toMatchObject({ success: false, queued: true, error: expect.stringContaining('HTTP 503') });
    expect(await client.flush()).toMatchObject({ sent: 2, failed: 0, pending: 0 });
    expect(collector.events().map((e) => e.event.event_id)).toEqual([result.eventId]);
  });

  it('bounds memory by count: the exact number of oldest items dropped, counted and reported', async () => {
    const { collector, client, errors } = await setup({ batchEnabled: true, batchSize: 1000, batchFlushIntervalMs: 60_000, maxQueueSize: 10 });
    for (let i = 0; i < 25; i++) void client.track('u', `e${i}`);
    // 26 items (the session record first), 10 kept: the oldest 16 dropped.
    const result = await client.flush();
    expect(result).toEqual({ sent: 10, failed: 0, dropped: 16, pending: 0 });
    expect(errors.filter((e) => e.kind === 'dropped').reduce((n, e) => n + e.count!, 0)).toBe(16);
    expect(names(collector)).toEqual(Array.from({ length: 10 }, (_, i) => `e${i + 15}`));
  });

  it('bounds memory by bytes: what is dropped plus what is sent is everything, and onError hears every drop', async () => {
    const { collector, client, errors } = await setup({ batchEnabled: true, batchSize: 1000, batchFlushIntervalMs: 60_000, maxQueueBytes: 20_000 });
    for (let i = 0; i < 20; i++) void client.track('u', `e${i}`, { blob: 'x'.repeat(1500) });
    const result = await client.flush();
    expect(result.dropped).toBeGreaterThan(0);
    expect(result.sent + result.dropped).toBe(21);
    expect(errors.filter((e) => e.kind === 'dropped').reduce((n, e) => n + e.count!, 0)).toBe(result.dropped);
    expect(collector.events().length + collector.calls().length).toBe(result.sent);
  });

  it('a flush with the server down resolves by its deadline with the events pending, never rejects', async () => {
    const { collector, client } = await setup({ batchEnabled: true, batchFlushIntervalMs: 60_000 });
    collector.faults([{ status: 503, times: 1000 }]);
    void client.track('u', 'e');
    const result = await client.flush({ timeoutMs: 300 });
    // The session record went through (/api/sdk/track is not failing); the event waits.
    expect(result).toMatchObject({ sent: 1, failed: 0, dropped: 0, pending: 1 });
    collector.faults([]);
    expect(await client.flush()).toMatchObject({ sent: 2, pending: 0 });
    expect(names(collector)).toEqual(['e']);
  });
});
