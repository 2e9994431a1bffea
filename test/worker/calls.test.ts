import { describe, expect, it } from 'vitest';
import type { TrodoEvent } from '../../lib/event';
import type { HistoryRecord } from '../../lib/history';
import type { Json } from '../../lib/json';
import { defaultSettings } from '../../lib/settings';
import type { HttpRequest } from '../../lib/wire/events';
import type { CallOp } from '../../lib/wire/ops';
import { takeBatch } from '../../lib/delivery/batch';
import { answerFor } from '../../lib/worker/calls';
import { createFlusher } from '../../lib/worker/flusher';
import { memoryWorkerStore } from '../../lib/worker/memory-store';
import type { HttpResult } from '../../lib/delivery/transport';

let seq = 0;
function record(name: string, call?: CallOp, properties: TrodoEvent['properties'] = {}): HistoryRecord {
  const id = `0192f000-0000-7000-8000-${String(++seq).padStart(12, '0')}`;
  const event: TrodoEvent = {
    id, time: 1_000, kind: 'custom', name, category: 'custom', sessionId: 's1', distinctId: 'anon_1', userId: 'u1', properties,
    page: { url: 'https://shop.test/', path: '/', title: '', referrer: null, screenWidth: 1, screenHeight: 1, viewportWidth: 1, viewportHeight: 1, dpi: 1 },
    ...(call && { call }),
  };
  return { id, event, tabId: 1, origin: 'https://shop.test', status: 'queued', capturedAt: 1_000, queuedAt: Date.now(), attempts: 0 };
}

describe('takeBatch', () => {
  it('takes a call alone, else the leading run of plain events', () => {
    const [a, b, c, d] = [record('a'), record('b'), record('identify', 'identify'), record('d')];
    expect(takeBatch([a!, b!, c!, d!]).map((r) => r.id)).toEqual([a!.id, b!.id]);
    expect(takeBatch([c!, d!]).map((r) => r.id)).toEqual([c!.id]);
    expect(takeBatch([d!])).toEqual([d]);
    expect(takeBatch([])).toEqual([]);
  });
});

describe('answerFor', () => {
  const ok = (body: unknown): HttpResult => ({ kind: 'response', status: 200, retryAfter: null, body: body as never });
  it('relays the distinct id Trodo answers identify with to the calling origin', () => {
    const identify = record('identify', 'identify', { identifyId: 'bob' });
    expect(answerFor([identify], ok({ success: true, distinctId: 'id_bob' }))).toEqual({
      origin: 'https://shop.test', message: { type: 'merge', identifyId: 'bob', distinctId: 'id_bob' },
    });
    expect(answerFor([identify], ok({ success: true, merged: true, newDistinctId: 'm' }))?.message).toMatchObject({ distinctId: 'm' });
  });
  it('says nothing for other calls or answers without an id', () => {
    expect(answerFor([record('identify', 'identify', { identifyId: 'x' })], ok({ success: true }))).toBeNull();
    expect(answerFor([record('people.set', 'people/set')], ok({ distinctId: 'x' }))).toBeNull();
    expect(answerFor([record('a'), record('b')], ok({ distinctId: 'x' }))).toBeNull();
  });
});

describe('the flusher with calls in the queue', () => {
  it('sends plain events in bulk and each call alone to its endpoint, in queue order, and hands identify’s answer on', async () => {
    const store = memoryWorkerStore();
    const records = [record('a'), record('session', 'session'), record('b'), record('c'), record('identify', 'identify', { identifyId: 'zoe' }), record('people.set', 'people/set', { properties: { p: 1 } }), record('d')];
    await store.ingest(records);
    const sent: HttpRequest[] = [];
    const answers: string[] = [];
    const flusher = createFlusher({
      store,
      transport: async (request) => {
        sent.push(request);
        const body: Json = request.url.endsWith('/identify') ? { success: true, distinctId: 'id_zoe' } : { success: true };
        return { kind: 'response', status: 200, retryAfter: null, body };
      },
      settings: () => ({ ...defaultSettings(), apiHost: 'http://collector.test', siteId: 'site', sendingSites: ['https://shop.test'] }),
      now: () => Date.now(),
      random: () => 0.5,
      newBatchId: () => 'batch',
      setTimer: () => null,
      clearTimer: () => {},
      onRecords: () => {},
      onState: () => {},
      onSent: (batch, result) => void (result.kind === 'response' && answers.push(`${batch[0]!.event.name}:${JSON.stringify(result.body)}`)),
    });
    await flusher.flush('manual');
    expect(sent.map((r) => r.url.replace('http://collector.test', ''))).toEqual([
      '/api/events/bulk', '/api/sdk/track', '/api/events/bulk', '/api/sdk/identify', '/api/sdk/people/set', '/api/events/bulk',
    ]);
    expect(JSON.parse(sent[2]!.body).events.map((e: { event_name: string }) => e.event_name)).toEqual(['b', 'c']);
    expect(JSON.parse(sent[4]!.body)).toEqual({ siteId: 'site', userId: 'anon_1', properties: { p: 1 } });
    expect(sent[3]!.headers['X-Trodo-Call-Id']).toBe(records[4]!.id);
    expect(answers).toContain('identify:{"success":true,"distinctId":"id_zoe"}');
    expect((await store.stats()).queued).toBe(0);
  });

  it('a failing call holds back everything after it (order), and is retried', async () => {
    const store = memoryWorkerStore();
    await store.ingest([record('people.increment', 'people/increment', { key: 'n', amount: 1 }), record('after')]);
    const urls: string[] = [];
    let fail = true;
    const flusher = createFlusher({
      store,
      transport: async (request) => {
        urls.push(request.url);
        if (fail) return { kind: 'response', status: 503, retryAfter: null, body: undefined };
        return { kind: 'response', status: 200, retryAfter: null, body: undefined };
      },
      settings: () => ({ ...defaultSettings(), apiHost: 'http://c.test', siteId: 'site', sendingSites: ['https://shop.test'] }),
      now: () => Date.now(),
      random: () => 0,
      newBatchId: () => 'b',
      setTimer: () => null,
      clearTimer: () => {},
      onRecords: () => {},
      onState: () => {},
    });
    await flusher.flush('manual');
    expect(urls).toEqual(['http://c.test/api/sdk/people/increment']);
    fail = false;
    await flusher.flush('manual');
    expect(urls.slice(1)).toEqual(['http://c.test/api/sdk/people/increment', 'http://c.test/api/events/bulk']);
  });
});
