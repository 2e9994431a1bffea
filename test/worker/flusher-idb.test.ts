import { describe, expect, it } from 'vitest';
import type { Transport } from '../../lib/delivery/transport';
import { defaultSettings, type Settings } from '../../lib/settings';
import type { WireEvent } from '../../lib/wire/events';
import { chunkWorkerStore, openWorkerDb } from '../../lib/worker/chunk-store';
import { createFlusher } from '../../lib/worker/flusher';
import { records } from './delivery-helpers';

describe('flusher over the IndexedDB store, with real timers', () => {
  it('sends every event once while ingests, requests (random latency) and settling writes interleave', async () => {
    const store = chunkWorkerStore(openWorkerDb(`flusher-idb-${crypto.randomUUID()}`));
    const settings: Settings = { ...defaultSettings(), apiHost: 'https://collector.test/', siteId: 'site-1', sendingSites: ['https://shop.test'], batchSize: 50 };
    const sent = new Map<string, number>();
    const transport: Transport = async (request) => {
      for (const e of (JSON.parse(request.body) as { events: WireEvent[] }).events) sent.set(e.event_id, (sent.get(e.event_id) ?? 0) + 1);
      await new Promise((r) => setTimeout(r, Math.random() * 10));
      return { kind: 'response', status: 200, retryAfter: null, body: { success: true } };
    };
    const flusher = createFlusher({
      store, transport, settings: () => settings, now: Date.now, random: Math.random, newBatchId: () => crypto.randomUUID(),
      setTimer: (task, ms) => setTimeout(task, ms), clearTimer: (h) => clearTimeout(h as ReturnType<typeof setTimeout>), onRecords: () => {}, onState: () => {},
    });
    // Ten ingests of 500 while the flusher drains: its reads of the queue fall between
    // settling writes that are made and not yet committed.
    for (let i = 0; i < 10; i++) {
      flusher.queued((await store.ingest(records(i * 500, 500, Date.now()))).length);
      await new Promise((r) => setTimeout(r, Math.random() * 20));
    }
    const end = Date.now() + 60_000;
    while ((await store.stats()).sent < 5000 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    expect(await store.stats()).toMatchObject({ sent: 5000, queued: 0 });
    expect(sent.size).toBe(5000);
    expect([...sent].filter(([, n]) => n > 1)).toEqual([]);
  }, 90_000);
});
