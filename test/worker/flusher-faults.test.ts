import { beforeEach, describe, expect, it } from 'vitest';
import type { HistoryRecord } from '../../lib/history';
import type { Json } from '../../lib/json';
import { defaultSettings, type Settings } from '../../lib/settings';
import { createFlusher } from '../../lib/worker/flusher';
import { memoryWorkerStore } from '../../lib/worker/memory-store';
import type { WorkerStore } from '../../lib/worker/store';
import type { HttpResult, SendOptions } from '../../lib/delivery/transport';
import type { HttpRequest } from '../../lib/wire/events';
import { records } from './delivery-helpers';

type Answer = HttpResult | ((events: { event_id: string }[]) => HttpResult);
const ok: HttpResult = { kind: 'response', status: 200, retryAfter: null, body: { success: true } };
const status = (code: number, retryAfter: string | null = null, body?: Json): HttpResult => ({ kind: 'response', status: code, retryAfter, body });

/** A flusher over a memory store, a scripted server and a hand-driven clock. */
function harness(settings: Partial<Settings> = {}) {
  let now = 1_000_000;
  const store: WorkerStore = memoryWorkerStore();
  const answers: Answer[] = [];
  const sent: { events: { event_id: string }[]; options?: SendOptions; at: number }[] = [];
  const timers: { at: number; task: () => void }[] = [];
  const changed: HistoryRecord[] = [];
  const config = { ...defaultSettings({ WXT_TRODO_API_HOST: 'http://collector.test', WXT_TRODO_SITE_ID: 'site' }), sendingSites: ['https://shop.test'], ...settings };
  const flusher = createFlusher({
    store,
    settings: () => config,
    transport: async (request: HttpRequest, options?: SendOptions) => {
      const events = (JSON.parse(request.body) as { events: { event_id: string }[] }).events;
      sent.push({ events, options, at: now });
      const answer = answers.shift() ?? ok;
      return typeof answer === 'function' ? answer(events) : answer;
    },
    now: () => now,
    random: () => 1, // the top of the jitter range, so waits are the ceiling
    newBatchId: () => 'batch',
    setTimer: (task, ms) => timers.push({ at: now + ms, task }),
    clearTimer: () => {},
    onRecords: (r) => changed.push(...r),
    onState: () => {},
  });
  return {
    store, flusher, sent, answers, changed, config,
    /** Moves the clock on; runs due timers (and the flushes they start). */
    async advance(ms: number) {
      now += ms;
      for (const timer of timers.splice(0).filter((t) => (t.at <= now ? true : (timers.push(t), false)))) timer.task();
      await flusher.flush('timer');
    },
    sizes: () => sent.map((s) => s.events.length),
    history: async () => new Map((await store.recent(1000)).map((r) => [r.event.properties.n as number, r])),
  };
}

describe('flusher against a failing server', () => {
  let h: ReturnType<typeof harness>;
  beforeEach(() => {
    h = harness({ batchSize: 8 });
  });

  it('413: halves the batch down to single events; a lone event still 413 is dropped with the reason', async () => {
    await h.store.ingest(records(0, 8));
    // 8 → 413, 4 → 413, 2 → 413, 1 → 413 (dropped); then full batches again.
    h.answers.push(status(413), status(413), status(413), status(413));
    await h.flusher.flush('manual');
    expect(h.sizes()).toEqual([8, 4, 2, 1, 7]);
    const history = await h.history();
    expect(history.get(0)).toMatchObject({ status: 'dropped', reason: expect.stringContaining('HTTP 413') });
    expect([...history.values()].filter((r) => r.status === 'sent')).toHaveLength(7);
    expect(await h.store.stats()).toMatchObject({ queued: 0, sent: 7, dropped: 1 });
  });

  it('400 naming events: drops only those, with the server’s reason, and sends the rest again', async () => {
    const batch = records(0, 4);
    await h.store.ingest(batch);
    h.answers.push(status(400, null, { error: '1 invalid events', invalid: [{ event_id: batch[2]!.id, reason: 'event_name is empty' }] }));
    await h.flusher.flush('manual');
    expect(h.sizes()).toEqual([4, 3]);
    const history = await h.history();
    expect(history.get(2)).toMatchObject({ status: 'dropped', reason: 'HTTP 400: 1 invalid events: event_name is empty' });
    expect([0, 1, 3].map((n) => history.get(n)!.status)).toEqual(['sent', 'sent', 'sent']);
  });

  it('400 or 422 naming none of the batch: the batch is dropped with the reason', async () => {
    await h.store.ingest(records(0, 3));
    h.answers.push(status(422, null, { error: 'schema mismatch' }));
    await h.flusher.flush('manual');
    expect(h.sizes()).toEqual([3]);
    const history = await h.history();
    expect([...history.values()].map((r) => r.reason)).toEqual(Array(3).fill('HTTP 422: schema mismatch: batch rejected'));
    expect(await h.store.stats()).toMatchObject({ queued: 0, dropped: 3 });
  });

  it('429 honours Retry-After, and "flush now" does not skip it', async () => {
    await h.store.ingest(records(0, 2));
    h.answers.push(status(429, '3'));
    await h.flusher.flush('manual');
    expect((await h.history()).get(0)).toMatchObject({ status: 'retrying', nextAttemptAt: 1_003_000 });
    await h.flusher.flush('manual');
    await h.advance(2_999);
    expect(h.sent).toHaveLength(1);
    await h.advance(1);
    expect(h.sent).toHaveLength(2);
    expect((await h.history()).get(0)).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('429 with an HTTP date waits until that date', async () => {
    await h.store.ingest(records(0, 1));
    h.answers.push(status(429, new Date(1_000_000 + 5_000).toUTCString()));
    await h.flusher.flush('manual');
    await h.advance(4_000);
    expect(h.sent).toHaveLength(1);
    await h.advance(1_000);
    expect(h.sent).toHaveLength(2);
  });

  it('5xx, 408, timeouts and network errors back off exponentially up to settings.maxBackoffMs, without an attempt cap', async () => {
    h = harness({ maxBackoffMs: 8_000 });
    await h.store.ingest(records(0, 1));
    const failures: HttpResult[] = [status(503), status(408), { kind: 'failure', error: 'timed out after 10 s' }, { kind: 'failure', error: 'network error: Failed to fetch' }];
    for (let i = 0; i < 30; i++) h.answers.push(failures[i % failures.length]!);
    await h.flusher.flush('start');
    const waits: number[] = [];
    while (h.sent.length < 31) {
      const [record] = await h.store.head(1);
      const wait = record!.nextAttemptAt! - h.sent.at(-1)!.at;
      waits.push(wait);
      await h.advance(wait);
    }
    // random() = 1: the ceiling of each wait, 1 s doubling to the 8 s cap.
    expect(waits.slice(0, 6)).toEqual([1_000, 2_000, 4_000, 8_000, 8_000, 8_000]);
    expect(Math.max(...waits)).toBe(8_000);
    expect((await h.history()).get(0)).toMatchObject({ status: 'sent', attempts: 31 });
  });

  it('"flush now" retries at once during a backoff', async () => {
    await h.store.ingest(records(0, 1));
    h.answers.push(status(503));
    await h.flusher.flush('start');
    await h.flusher.flush('timer');
    expect(h.sent).toHaveLength(1);
    await h.flusher.flush('manual');
    expect(h.sent).toHaveLength(2);
  });

  it('passes the request timeout from settings to the transport', async () => {
    h = harness({ requestTimeoutMs: 1_500 });
    await h.store.ingest(records(0, 1));
    await h.flusher.flush('manual');
    expect(h.sent[0]!.options).toEqual({ timeoutMs: 1_500 });
  });

  it('drops an event older than the maximum age with the reason, instead of retrying it forever', async () => {
    await h.store.ingest(records(0, 1, 1_000_000 - 8 * 24 * 3600 * 1000));
    await h.store.ingest(records(1, 1));
    await h.flusher.flush('manual');
    const history = await h.history();
    expect(history.get(0)).toMatchObject({ status: 'dropped', reason: expect.stringContaining('maximum age') });
    expect(history.get(1)!.status).toBe('sent');
    expect(h.sizes()).toEqual([1]);
  });

  it('the retry schedule is stored: a new flusher (a restarted worker) waits it out', async () => {
    await h.store.ingest(records(0, 1));
    h.answers.push(status(429, '10'));
    await h.flusher.flush('manual');
    const again = createFlusher({
      store: h.store, settings: () => h.config, transport: async () => ok, now: () => 1_005_000, random: () => 1,
      newBatchId: () => 'b', setTimer: () => 0, clearTimer: () => {}, onRecords: () => {}, onState: () => {},
    });
    await again.flush('start');
    expect(again.state()).toMatchObject({ nextAttemptAt: 1_010_000, lastError: 'HTTP 429' });
    expect(await h.store.stats()).toMatchObject({ queued: 1 });
  });
});
