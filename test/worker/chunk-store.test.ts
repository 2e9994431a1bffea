import { openDB } from 'idb';
import { describe, expect, it } from 'vitest';
import { chunkWorkerStore, openWorkerDb } from '../../lib/worker/chunk-store';
import { digestOf } from '../../lib/worker/history-query';
import { eventBytes } from '../../lib/worker/store';
import type { HistoryRecord } from '../../lib/history';
import { idSource, makeEvent, makeRecord } from '../helpers';
import { queuedRecord } from './delivery-helpers';
import { describeStoreContract } from './store-contract';

let dbCount = 0;
const freshName = () => `trodo-chunks-test-${++dbCount}`;

describeStoreContract('chunkWorkerStore (fake-indexeddb)', () => chunkWorkerStore(openWorkerDb(freshName())));

describe('chunkWorkerStore', () => {
  const records = (count: number) => {
    const nextId = idSource();
    return Array.from({ length: count }, (_, i) => makeRecord(makeEvent({ name: `e${i}` }, nextId), { tabId: i % 2 }));
  };

  it('keeps queue, history, totals and badge counts across a reopen (a worker restart)', async () => {
    const name = freshName();
    const list = records(5);
    const first = chunkWorkerStore(openWorkerDb(name));
    await first.ingest(list);
    await first.apply({ put: [{ ...list[0]!, status: 'sent' }], dequeue: [list[0]!.id], count: { sent: 1 } });
    (await openWorkerDb(name)).close();

    const second = chunkWorkerStore(openWorkerDb(name));
    expect(await second.stats()).toEqual({ captured: 5, queued: 4, sent: 1, dropped: 0 });
    expect((await second.head(10)).map((r) => r.id)).toEqual(list.slice(1).map((r) => r.id));
    expect(await second.countForTab(0)).toBe(3);
    expect(await second.countForTab(1)).toBe(2);
  });

  it('fills chunks of at most 100 records in arrival order, topping up the newest', async () => {
    const name = freshName();
    const store = chunkWorkerStore(openWorkerDb(name));
    const list = records(390);
    await store.ingest(list.slice(0, 60));
    await store.ingest(list.slice(60, 90));
    await store.ingest(list.slice(90, 130));
    await store.ingest(list.slice(130));
    const db = await openDB(name);
    const chunks = (await db.getAll('chunks')) as { records: unknown[] }[];
    db.close();
    // 60, topped up to 90 and then to 100, with 30 in a new chunk; that one is topped up
    // by the last ingest of 260, the rest of which fills two more.
    expect(chunks.map((c) => c.records.length)).toEqual([100, 100, 100, 90]);
    expect((await store.recent(400)).map((r) => r.id)).toEqual(list.map((r) => r.id).reverse());
  });

  it('settles a batch that spans chunks, and keeps the rest queued in order', async () => {
    const store = chunkWorkerStore(openWorkerDb(freshName()));
    const list = records(250);
    await store.ingest(list.slice(0, 120));
    await store.ingest(list.slice(120));
    const head = await store.head(200);
    expect(head.map((r) => r.id)).toEqual(list.slice(0, 200).map((r) => r.id));
    await store.apply({ put: head.map((r) => ({ ...r, status: 'sent' as const })), dequeue: head.map((r) => r.id), count: { sent: 200 } });
    expect((await store.head(100)).map((r) => r.id)).toEqual(list.slice(200).map((r) => r.id));
    expect(await store.stats()).toEqual({ captured: 250, queued: 50, sent: 200, dropped: 0 });
  });

  it('settles what head() handed out after the queue was cleared and the same events queued again (in other chunks)', async () => {
    const store = chunkWorkerStore(openWorkerDb(freshName()));
    const list = records(150);
    await store.ingest(records(30)); // other events first, so the re-queued ones land in other chunks
    await store.ingest(list);
    const head = await store.head(200); // head() remembers where each event was
    await store.clear(true);
    await store.ingest(list.slice(100));
    await store.ingest(list.slice(0, 100));
    const settled = head.filter((r) => list.some((l) => l.id === r.id));
    await store.apply({ put: settled.map((r) => ({ ...r, status: 'sent' as const })), dequeue: settled.map((r) => r.id), count: { sent: settled.length } });
    expect(await store.head(200)).toEqual([]);
    expect((await store.recent(200)).every((r) => r.status === 'sent')).toBe(true);
    expect(await store.stats()).toMatchObject({ queued: 0, sent: 150 });
  });

  it('upgrades the per-event layout (v2) without losing queued events, history or the retry state', async () => {
    const name = freshName();
    const list = records(3);
    const v2 = await openDB(name, 2, {
      upgrade(db) {
        db.createObjectStore('queue', { keyPath: 'id' });
        db.createObjectStore('history', { keyPath: 'id' }).createIndex('tabId', 'tabId');
        db.createObjectStore('meta');
      },
    });
    const sent = { ...list[0]!, status: 'sent' as const };
    for (const record of [sent, list[1]!, list[2]!]) await v2.put('history', record);
    for (const record of [list[1]!, list[2]!]) await v2.put('queue', { id: record.id, origin: record.origin });
    await v2.put('meta', { captured: 3, queued: 0, sent: 1, dropped: 0 }, 'stats');
    await v2.put('meta', { failures: 2, notBefore: 99, rateLimited: false, lastError: 'HTTP 503' }, 'retry');
    v2.close();

    const store = chunkWorkerStore(openWorkerDb(name));
    expect((await store.head(10)).map((r) => r.id)).toEqual([list[1]!.id, list[2]!.id]);
    expect((await store.recent(10)).map((r) => r.status)).toEqual(['queued', 'queued', 'sent']);
    expect(await store.stats()).toEqual({ captured: 3, queued: 2, sent: 1, dropped: 0 });
    expect(await store.getMeta('retry')).toMatchObject({ failures: 2, lastError: 'HTTP 503' });
  });

  it('upgrades a v3 store (chunks without digests): digests and history counts are made from its chunks', async () => {
    const name = freshName();
    const list = records(150);
    const v3 = await openDB(name, 3, {
      upgrade(db) {
        db.createObjectStore('chunks', { keyPath: 'key' }).createIndex('ids', 'ids', { multiEntry: true, unique: true });
        db.createObjectStore('queue', { keyPath: 'key' });
        db.createObjectStore('meta');
      },
    });
    const sent = list.map((r, i) => (i < 100 ? { ...r, status: 'sent' as const } : r));
    for (const part of [sent.slice(0, 100), sent.slice(100)]) await v3.put('chunks', { key: part[0]!.id, ids: part.map((r) => r.id), records: part });
    v3.close();

    const store = chunkWorkerStore(openWorkerDb(name));
    const page = await store.page({}, 0, 5);
    expect(page.total).toBe(150);
    expect(page.records.map((r) => r.id)).toEqual(list.slice(-5).reverse().map((r) => r.id));
    expect((await store.tally()).byStatus).toMatchObject({ sent: 100, queued: 50 });
    // The trim finds history over its bound from the counts the upgrade wrote.
    expect(await store.trim(120)).toBe(30);
  });

  it('a worker restarted mid-session pages what the previous one wrote, and keeps its cache current', async () => {
    const name = freshName();
    const list = records(130);
    const first = chunkWorkerStore(openWorkerDb(name));
    await first.ingest(list.slice(0, 100));
    const second = chunkWorkerStore(openWorkerDb(name));
    expect((await second.page({}, 0, 1)).records[0]!.id).toBe(list[99]!.id);
    await second.ingest(list.slice(100));
    expect((await second.page({ tabId: 1 }, 0, 200)).total).toBe(65);
    second.forget?.();
    expect((await second.page({}, 0, 1)).records[0]!.id).toBe(list[129]!.id);
  });

  it('dedupes a batch whose ids are spread over many chunks (looked up one by one)', async () => {
    const store = chunkWorkerStore(openWorkerDb(`spread-${Math.random()}`));
    // Five ingests of 100 interleaved ids: each chunk's id range spans the others'.
    for (let c = 0; c < 5; c++) await store.ingest(Array.from({ length: 100 }, (_, i) => queuedRecord(i * 5 + c)));
    const again = [queuedRecord(3), queuedRecord(251), queuedRecord(499), queuedRecord(1000)];
    expect((await store.ingest(again)).map((r) => r.event.properties.n)).toEqual([1000]);
    expect(await store.stats()).toMatchObject({ captured: 501, queued: 501 });
  });

  it('writes issued together (ingests and a settle) keep totals, queue and tab counts exact, as a restarted worker reads them', async () => {
    const name = freshName();
    const store = chunkWorkerStore(openWorkerDb(name));
    const list = records(400);
    await store.ingest(list.slice(0, 150));
    const sent = (await store.head(100)).map((r) => ({ ...r, status: 'sent' as const, attempts: 1 }));
    await Promise.all([
      store.ingest(list.slice(150, 250)),
      store.apply({ put: sent, dequeue: sent.map((r) => r.id), count: { sent: 100 } }),
      store.ingest(list.slice(250)),
      store.trim(350),
    ]);
    const expected = { captured: 400, queued: 300, sent: 100, dropped: 0 };
    expect(await store.stats()).toEqual(expected);
    const again = chunkWorkerStore(openWorkerDb(name));
    expect(await again.stats()).toEqual(expected);
    expect((await again.head(400)).map((r) => r.id)).toEqual(list.slice(100).map((r) => r.id));
    expect([await again.countForTab(0), await again.countForTab(1)]).toEqual([200, 200]);
    // Over the bound by 20: the oldest queued go, counted once.
    expect((await again.evict({ maxEvents: 280, maxBytes: Infinity }, new Set(), 'full')).map((r) => r.id)).toEqual(list.slice(100, 120).map((r) => r.id));
    expect(await again.stats()).toEqual({ ...expected, queued: 280, dropped: 20 });
  });

  it('a write that fails commits none of itself: totals and queue stay as committed, and the next write goes on from there', async () => {
    const name = freshName();
    const store = chunkWorkerStore(openWorkerDb(name));
    const list = records(250);
    await store.ingest(list.slice(0, 50));
    // A value IndexedDB cannot store, in the last of three chunks this ingest writes.
    const poisoned = { ...list[249]!, plan: { bad: () => 1 } } as unknown as HistoryRecord;
    await expect(store.ingest([...list.slice(50, 249), poisoned])).rejects.toThrow();
    expect(await store.stats()).toEqual({ captured: 50, queued: 50, sent: 0, dropped: 0 });
    expect((await store.head(300)).map((r) => r.id)).toEqual(list.slice(0, 50).map((r) => r.id));
    expect(await store.ingest(list.slice(50, 100))).toHaveLength(50);
    const again = chunkWorkerStore(openWorkerDb(name));
    expect(await again.stats()).toEqual({ captured: 100, queued: 100, sent: 0, dropped: 0 });
    expect(await again.countForTab(0)).toBe(50);
  });

  it('upgrades a v4 store (records settled in place, no states): queued events stay queued and are settled and paged as before', async () => {
    const name = freshName();
    const list = records(150);
    const v4 = await openDB(name, 4, {
      upgrade(db) {
        db.createObjectStore('chunks', { keyPath: 'key' }).createIndex('ids', 'ids', { multiEntry: true, unique: true });
        db.createObjectStore('queue', { keyPath: 'key' });
        db.createObjectStore('meta');
        db.createObjectStore('digests', { keyPath: 'key' });
      },
    });
    // As v4 left them: the first 60 sent (their records rewritten), 90 queued in two chunks.
    const now = list.map((r, i) => (i < 60 ? { ...r, status: 'sent' as const, attempts: 1, sentAt: 5, batchId: 'b1', httpStatus: 200 } : r));
    for (const part of [now.slice(0, 100), now.slice(100)]) {
      const key = part[0]!.id;
      await v4.put('chunks', { key, ids: part.map((r) => r.id), records: part });
      await v4.put('digests', digestOf(key, part));
      const queued = part.filter((r) => r.status === 'queued');
      await v4.put('queue', { key, ids: queued.map((r) => r.id), sizes: queued.map(eventBytes), origins: queued.map((r) => r.origin), seq: key === list[0]!.id ? 1 : 2 });
    }
    await v4.put('meta', { captured: 150, queued: 0, sent: 60, dropped: 0 }, 'stats');
    await v4.put('meta', { 0: 75, 1: 75 }, 'tabCounts');
    await v4.put('meta', now.slice(60).reduce((n, r) => n + eventBytes(r), 0), 'queueBytes');
    await v4.put('meta', { key: list[100]!.id, seq: 2 }, 'newestChunk');
    await v4.put('meta', { count: 150, bytes: now.reduce((n, r) => n + eventBytes(r), 0) }, 'history');
    v4.close();

    const store = chunkWorkerStore(openWorkerDb(name));
    expect(await store.stats()).toEqual({ captured: 150, queued: 90, sent: 60, dropped: 0 });
    const head = await store.head(200);
    expect(head.map((r) => r.id)).toEqual(list.slice(60).map((r) => r.id));
    await store.apply({ put: head.slice(0, 50).map((r) => ({ ...r, status: 'sent' as const, attempts: 1 })), dequeue: head.slice(0, 50).map((r) => r.id), count: { sent: 50 } });
    expect(await store.stats()).toEqual({ captured: 150, queued: 40, sent: 110, dropped: 0 });
    expect((await store.tally()).byStatus).toMatchObject({ sent: 110, queued: 40 });
    expect((await store.recent(200)).filter((r) => r.status === 'sent')).toHaveLength(110);
    // The newest chunk (50 records) is topped up by the next ingest.
    expect(await store.ingest(records(10))).toHaveLength(10);
    expect(await store.countForTab(0)).toBe(80);
  });

  it('a settle writes the records\' delivery fields apart from the chunk, and the next rewrite of the chunk folds them in', async () => {
    const name = freshName();
    const store = chunkWorkerStore(openWorkerDb(name));
    const list = records(160);
    await store.ingest(list.slice(0, 80));
    const head = await store.head(50);
    const sent = head.map((r) => ({ ...r, status: 'sent' as const, attempts: 1, sentAt: 7, batchId: 'b', httpStatus: 200 }));
    await store.apply({ put: sent, dequeue: sent.map((r) => r.id), count: { sent: 50 } });
    const raw = async () => {
      const db = await openDB(name);
      const [chunks, states] = [await db.getAll('chunks'), await db.getAll('states')];
      db.close();
      // Events are stored as their JSON text.
      const open = (c: { records: { event: string }[] }) => ({ records: c.records.map((r) => ({ ...r, event: JSON.parse(r.event) }) as HistoryRecord) });
      return { chunks: chunks.map(open), states: states as { states: Record<string, unknown> }[] };
    };
    let stored = await raw();
    expect(stored.chunks[0]!.records.every((r) => r.status === 'queued')).toBe(true);
    expect(Object.keys(stored.states[0]!.states)).toHaveLength(50);
    expect((await store.recent(80)).reverse().slice(0, 50)).toEqual(sent);
    expect((await store.page({ statuses: ['sent'] }, 0, 100)).total).toBe(50);
    // A top-up rewrites the chunk: the states go into its records.
    await store.ingest(list.slice(80));
    stored = await raw();
    expect(stored.states).toEqual([]);
    expect(stored.chunks[0]!.records.slice(0, 50)).toEqual(sent);
    expect((await store.head(200)).map((r) => r.id)).toEqual(list.slice(50).map((r) => r.id));
  });
});
