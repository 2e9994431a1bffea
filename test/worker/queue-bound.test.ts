import { beforeEach, describe, expect, it } from 'vitest';
import { chunkWorkerStore, openWorkerDb } from '../../lib/worker/chunk-store';
import { memoryWorkerStore } from '../../lib/worker/memory-store';
import { eventBytes, type WorkerStore } from '../../lib/worker/store';
import { queuedRecord, records } from './delivery-helpers';

const FULL = 'queue full';
let dbCount = 0;

const stores: [string, () => WorkerStore][] = [
  ['memory', memoryWorkerStore],
  ['IndexedDB', () => chunkWorkerStore(openWorkerDb(`queue-bound-${++dbCount}`))],
];

describe.each(stores)('queue bound (%s store)', (_, make) => {
  let store: WorkerStore;
  beforeEach(() => {
    store = make();
  });

  it('drops the oldest past the event bound, records each with the reason, and counts them exactly', async () => {
    await store.ingest(records(0, 15));
    const dropped = await store.evict({ maxEvents: 10, maxBytes: Infinity }, new Set(), FULL);
    expect(dropped.map((r) => r.event.properties.n)).toEqual([0, 1, 2, 3, 4]);
    expect(dropped.every((r) => r.status === 'dropped' && r.reason === FULL)).toBe(true);
    expect(await store.stats()).toEqual({ captured: 15, queued: 10, sent: 0, dropped: 5 });
    expect((await store.head(1))[0]!.event.properties.n).toBe(5);
    const history = await store.recent(100);
    expect(history.filter((r) => r.status === 'dropped')).toHaveLength(5);
    // Within the bound: nothing more goes.
    expect(await store.evict({ maxEvents: 10, maxBytes: Infinity }, new Set(), FULL)).toEqual([]);
  });

  it('leaves the batch in flight to the flusher and drops the next oldest instead', async () => {
    const batch = records(0, 12);
    await store.ingest(batch);
    const inFlight = new Set([batch[0]!.id, batch[1]!.id]);
    const dropped = await store.evict({ maxEvents: 10, maxBytes: Infinity }, inFlight, FULL);
    expect(dropped.map((r) => r.event.properties.n)).toEqual([2, 3]);
    expect((await store.head(2)).map((r) => r.event.properties.n)).toEqual([0, 1]);
  });

  it('bounds bytes too, and counts only what is still queued (sent events free their bytes)', async () => {
    const batch = records(0, 10);
    const size = eventBytes(batch[0]!);
    await store.ingest(batch);
    // Four events leave the queue as sent: six remain, well within six events' bytes.
    await store.apply({ put: batch.slice(0, 4).map((r) => ({ ...r, status: 'sent' })), dequeue: batch.slice(0, 4).map((r) => r.id), count: { sent: 4 } });
    expect(await store.evict({ maxEvents: 100, maxBytes: size * 6 + 5 }, new Set(), FULL)).toEqual([]);
    const dropped = await store.evict({ maxEvents: 100, maxBytes: size * 4 + 5 }, new Set(), FULL);
    expect(dropped.map((r) => r.event.properties.n)).toEqual([4, 5]);
    expect(await store.stats()).toMatchObject({ queued: 4, sent: 4, dropped: 2 });
  });

  it('ingesting an event again does not count its bytes twice', async () => {
    const batch = records(0, 5);
    const size = eventBytes(batch[0]!);
    await store.ingest(batch);
    await store.ingest(batch);
    expect(await store.evict({ maxEvents: 100, maxBytes: size * 5 + 5 }, new Set(), FULL)).toEqual([]);
  });

  it('charges a flooding site for its own flood: the site holding the most loses its oldest first', async () => {
    const fromShop = records(0, 4); // the oldest events, from https://shop.test
    const flood = Array.from({ length: 12 }, (_, i) => ({ ...queuedRecord(100 + i), origin: 'https://flood.test', tabId: 2 }));
    await store.ingest([...fromShop, ...flood]);
    const dropped = await store.evict({ maxEvents: 10, maxBytes: Infinity }, new Set(), FULL);
    expect(dropped.map((r) => r.origin)).toEqual(Array(6).fill('https://flood.test'));
    expect(dropped.map((r) => r.event.properties.n)).toEqual([100, 101, 102, 103, 104, 105]);
    const left = await store.head(100);
    expect(left.filter((r) => r.origin === 'https://shop.test')).toHaveLength(4);
    expect(await store.stats()).toMatchObject({ queued: 10, dropped: 6 });
  });

  it('once the flooder is down to the others\' size, every site gives up its oldest in turn', async () => {
    await store.ingest([...records(0, 3), ...Array.from({ length: 5 }, (_, i) => ({ ...queuedRecord(10 + i), origin: 'https://flood.test' }))]);
    const dropped = await store.evict({ maxEvents: 4, maxBytes: Infinity }, new Set(), FULL);
    const left = await store.head(100);
    expect(dropped).toHaveLength(4);
    expect(left.filter((r) => r.origin === 'https://shop.test')).toHaveLength(2);
    expect(left.filter((r) => r.origin === 'https://flood.test')).toHaveLength(2);
  });

  it('counts age by arrival, not by id: a page cannot make its events look newer by choosing their ids', async () => {
    // (The IndexedDB store knows arrival per chunk: ingests of 100 or more each make one.)
    await store.ingest(records(1000, 100));
    await store.ingest(records(0, 100)); // later, with smaller ids (a replay, or forged ids)
    const dropped = await store.evict({ maxEvents: 100, maxBytes: Infinity }, new Set(), FULL);
    expect(dropped.map((r) => r.event.properties.n)).toEqual(records(1000, 100).map((r) => r.event.properties.n));
  });
});
