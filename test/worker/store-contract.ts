/**
 * The WorkerStore contract, run against every implementation (memory and IndexedDB) so
 * that the fallback store behaves exactly like the real one.
 */
import { describe, expect, test } from 'vitest';
import type { HistoryRecord } from '../../lib/history';
import type { WorkerStore } from '../../lib/worker/store';
import { idSource, makeEvent, makeRecord } from '../helpers';

/**
 * @param knownBugs names of contract tests this implementation is known to fail; they run
 *   as `it.fails`, so the suite stays green and turns red the day the bug is fixed.
 */
export function describeStoreContract(name: string, makeStore: () => WorkerStore, knownBugs: readonly string[] = []) {
  describe(`WorkerStore contract: ${name}`, () => {
    const it = Object.assign(
      (title: string, fn: () => Promise<void>) => (knownBugs.includes(title) ? test.fails(title, fn) : test(title, fn)),
      { fails: test.fails },
    );

    /** Records whose ids sort in creation order. */
    function records(count: number): HistoryRecord[] {
      const nextId = idSource();
      return Array.from({ length: count }, (_, i) => makeRecord(makeEvent({ name: `e${i}` }, nextId)));
    }
    const ids = (list: HistoryRecord[]) => list.map((r) => r.id);

    it('starts empty', async () => {
      const store = makeStore();
      expect(await store.stats()).toEqual({ captured: 0, queued: 0, sent: 0, dropped: 0 });
      expect(await store.head(10)).toEqual([]);
      expect(await store.recent(10)).toEqual([]);
    });

    it('ingest queues new records, returns them and counts them as captured', async () => {
      const store = makeStore();
      const list = records(3);
      expect(ids(await store.ingest(list))).toEqual(ids(list));
      expect(await store.stats()).toEqual({ captured: 3, queued: 3, sent: 0, dropped: 0 });
      expect(await store.head(10)).toEqual(list);
    });

    it('ingest keeps server records (the collector stream\'s) in history only: never queued, not counted as captured', async () => {
      const store = makeStore();
      const [mine] = records(1);
      const server = makeRecord(makeEvent(), { tabId: null, origin: '', status: 'sent', source: 'server' });
      expect(ids(await store.ingest([mine!, server])).sort()).toEqual(ids([mine!, server]).sort());
      expect(await store.stats()).toEqual({ captured: 1, queued: 1, sent: 0, dropped: 0 });
      expect(ids(await store.head(10))).toEqual([mine!.id]);
      expect(ids(await store.recent(10)).sort()).toEqual([server.id, mine!.id].sort());
      expect(await store.ingest([server])).toEqual([]); // read again after a restart: skipped by id
    });

    it('ingest skips ids it already knows and counts only the new ones', async () => {
      const store = makeStore();
      const [a, b, c] = records(3);
      await store.ingest([a!, b!]);
      const fresh = await store.ingest([b!, c!, a!]);
      expect(ids(fresh)).toEqual([c!.id]);
      expect(await store.stats()).toMatchObject({ captured: 3, queued: 3 });
      expect(await store.ingest([a!, b!, c!])).toEqual([]);
      expect(await store.stats()).toMatchObject({ captured: 3, queued: 3 });
    });

    it('ingest does not re-queue or overwrite an event already delivered', async () => {
      const store = makeStore();
      const [a] = records(1);
      await store.ingest([a!]);
      const sent = { ...a!, status: 'sent' as const, sentAt: 5, attempts: 1 };
      await store.apply({ put: [sent], dequeue: [a!.id], count: { sent: 1 } });
      expect(await store.ingest([a!])).toEqual([]);
      expect(await store.head(10)).toEqual([]);
      expect(await store.recent(10)).toEqual([sent]);
      expect(await store.stats()).toEqual({ captured: 1, queued: 0, sent: 1, dropped: 0 });
    });

    // Nothing upstream dedupes ids inside one page message, so the store must.
    it('ingest counts an id given twice in one call once', async () => {
      const store = makeStore();
      const [a] = records(1);
      const fresh = await store.ingest([a!, { ...a! }]);
      expect(fresh).toHaveLength(1);
      expect(await store.stats()).toMatchObject({ captured: 1, queued: 1 });
    });

    it('head returns the oldest first by id, whatever the ingest order, up to the limit', async () => {
      const store = makeStore();
      const list = records(6);
      await store.ingest([list[3]!, list[5]!, list[0]!]);
      await store.ingest([list[4]!, list[1]!, list[2]!]);
      expect(ids(await store.head(10))).toEqual(ids(list));
      expect(ids(await store.head(2))).toEqual(ids(list.slice(0, 2)));
    });

    it('head with accept skips the origins it refuses, keeps the rest in order, and leaves the skipped queued', async () => {
      const store = makeStore();
      const list = records(8).map((r, i) => ({ ...r, origin: i % 2 ? 'https://held.test' : 'https://sent.test' }));
      await store.ingest([...list].reverse());
      const sent = list.filter((r) => r.origin === 'https://sent.test');
      const accept = (origin: string) => origin === 'https://sent.test';
      expect(ids(await store.head(10, accept))).toEqual(ids(sent));
      // The limit counts accepted events only: held ones at the head do not crowd them out.
      expect(ids(await store.head(2, accept))).toEqual(ids(sent.slice(0, 2)));
      expect(ids(await store.head(10, (o) => !accept(o)))).toEqual(ids(list.filter((r) => !accept(r.origin))));
      expect(await store.stats()).toMatchObject({ queued: 8 });
    });

    it('head returns copies: changing them does not change the store', async () => {
      const store = makeStore();
      const [a] = records(1);
      await store.ingest([a!]);
      const [copy] = await store.head(1);
      copy!.status = 'sent';
      copy!.event.name = 'mutated';
      expect((await store.head(1))[0]).toEqual(a);
    });

    it('apply writes records, takes dequeued ids off the queue and bumps the totals', async () => {
      const store = makeStore();
      const [a, b, c] = records(3);
      await store.ingest([a!, b!, c!]);
      const sent = { ...a!, status: 'sent' as const, attempts: 1, sentAt: 10, batchId: 'batch-1', httpStatus: 200 };
      const dropped = { ...b!, status: 'dropped' as const, attempts: 1, reason: 'HTTP 400: bad' };
      await store.apply({ put: [sent, dropped], dequeue: [a!.id, b!.id], count: { sent: 1, dropped: 1 } });
      expect(ids(await store.head(10))).toEqual([c!.id]);
      expect(await store.stats()).toEqual({ captured: 3, queued: 1, sent: 1, dropped: 1 });
      expect(await store.recent(10)).toEqual([c, dropped, sent]);
    });

    it('apply without dequeue updates a record in place and keeps it queued', async () => {
      const store = makeStore();
      const [a] = records(1);
      await store.ingest([a!]);
      const retrying = { ...a!, status: 'retrying' as const, attempts: 1, lastError: 'HTTP 503', nextAttemptAt: 99 };
      await store.apply({ put: [retrying], dequeue: [] });
      expect(await store.head(10)).toEqual([retrying]);
      expect(await store.stats()).toEqual({ captured: 1, queued: 1, sent: 0, dropped: 0 });
    });

    it('stats.queued follows the queue, and totals accumulate over applies', async () => {
      const store = makeStore();
      const list = records(5);
      await store.ingest(list);
      for (const record of list.slice(0, 4)) {
        await store.apply({ put: [{ ...record, status: 'sent' }], dequeue: [record.id], count: { sent: 1 } });
      }
      expect(await store.stats()).toEqual({ captured: 5, queued: 1, sent: 4, dropped: 0 });
    });

    it('recent lists history newest first, queued and settled alike', async () => {
      const store = makeStore();
      const list = records(5);
      await store.ingest(list);
      await store.apply({ put: [{ ...list[1]!, status: 'sent' }], dequeue: [list[1]!.id], count: { sent: 1 } });
      const recent = await store.recent(3);
      expect(ids(recent)).toEqual(ids(list).reverse().slice(0, 3));
      expect(ids(await store.recent(100))).toEqual(ids(list).reverse());
      expect((await store.recent(100))[3]!.status).toBe('sent');
    });

    it('recent(0) returns nothing', async () => {
      const store = makeStore();
      await store.ingest(records(3));
      expect(await store.recent(0)).toEqual([]);
    });

    it('clear forgets delivered and dropped events, keeps queued and retrying ones, and resets totals', async () => {
      const store = makeStore();
      const [a, b, c, d] = records(4);
      await store.ingest([a!, b!, c!, d!]);
      await store.apply({
        put: [{ ...a!, status: 'sent' }, { ...b!, status: 'dropped', reason: 'x' }, { ...c!, status: 'retrying' }],
        dequeue: [a!.id, b!.id],
        count: { sent: 1, dropped: 1 },
      });
      await store.clear();
      expect(ids(await store.recent(10))).toEqual([d!.id, c!.id]);
      expect(ids(await store.head(10))).toEqual([c!.id, d!.id]);
      expect(await store.stats()).toEqual({ captured: 0, queued: 2, sent: 0, dropped: 0 });
    });

    it('clear(true) also empties the queue: those events are never sent', async () => {
      const store = makeStore();
      const [a, b, c] = records(3);
      await store.ingest([a!, b!, c!]);
      await store.apply({ put: [{ ...a!, status: 'sent' }], dequeue: [a!.id], count: { sent: 1 } });
      await store.clear(true);
      expect(await store.head(10)).toEqual([]);
      expect(await store.recent(10)).toEqual([]);
      expect(await store.stats()).toEqual({ captured: 0, queued: 0, sent: 0, dropped: 0 });
      // The store keeps working afterwards, and a cleared id counts as new again.
      expect(ids(await store.ingest([b!]))).toEqual([b!.id]);
      expect(await store.stats()).toMatchObject({ captured: 1, queued: 1 });
    });

    it('countForTab counts the history records of one tab, queued and settled', async () => {
      const store = makeStore();
      const list = records(5);
      const tabs = [1, 1, 2, null, 1];
      await store.ingest(list.map((r, i) => ({ ...r, tabId: tabs[i]! })));
      await store.apply({ put: [{ ...list[0]!, tabId: 1, status: 'sent' }], dequeue: [list[0]!.id], count: { sent: 1 } });
      expect(await store.countForTab(1)).toBe(3);
      expect(await store.countForTab(2)).toBe(1);
      expect(await store.countForTab(99)).toBe(0);
      await store.clear();
      expect(await store.countForTab(1)).toBe(2);
    });

    it('trim removes the oldest settled records down to max and never a queued one', async () => {
      const store = makeStore();
      const list = records(6);
      await store.ingest(list);
      // 0, 2, 3, 5 settled; 1 and 4 still queued.
      const settledIdx = [0, 2, 3, 5];
      await store.apply({
        put: settledIdx.map((i) => ({ ...list[i]!, status: 'sent' as const })),
        dequeue: settledIdx.map((i) => list[i]!.id),
        count: { sent: 4 },
      });
      expect(await store.trim(4)).toBe(2);
      expect(ids(await store.recent(10))).toEqual([5, 4, 3, 1].map((i) => list[i]!.id));
      expect(await store.trim(0)).toBe(2);
      expect(ids(await store.recent(10))).toEqual([4, 1].map((i) => list[i]!.id));
      expect(ids(await store.head(10))).toEqual([1, 4].map((i) => list[i]!.id));
      expect(await store.stats()).toEqual({ captured: 6, queued: 2, sent: 4, dropped: 0 });
    });

    it('trim does nothing when history is within max', async () => {
      const store = makeStore();
      const list = records(3);
      await store.ingest(list);
      await store.apply({ put: [{ ...list[0]!, status: 'sent' }], dequeue: [list[0]!.id] });
      expect(await store.trim(3)).toBe(0);
      expect(await store.trim(10)).toBe(0);
      expect(await store.recent(10)).toHaveLength(3);
    });

    describe('paging through history (the viewer)', () => {
      /** 250 records over two tabs and sites, three names, some settled: more than two chunks. */
      async function filled() {
        const store = makeStore();
        const nextId = idSource();
        const list = Array.from({ length: 250 }, (_, i) =>
          makeRecord(makeEvent({ name: ['signup_completed', 'page_view', 'checkout_started'][i % 3]!, kind: i % 3 === 1 ? 'auto' : 'custom', category: i % 3 === 1 ? 'navigation' : 'custom', properties: { n: i } }, nextId), {
            tabId: i % 2,
            origin: i % 5 === 0 ? 'https://b.test' : 'https://a.test',
          }),
        );
        await store.ingest(list.slice(0, 120));
        await store.ingest(list.slice(120));
        const sent = list.filter((_, i) => i % 4 === 0);
        await store.apply({ put: sent.map((r) => ({ ...r, status: 'sent' as const })), dequeue: ids(sent), count: { sent: sent.length } });
        return { store, list, newest: [...list].reverse() };
      }

      it('pages newest first, with the total, reading any window', async () => {
        const { store, newest } = await filled();
        const first = await store.page({}, 0, 30);
        expect(first.total).toBe(250);
        expect(ids(first.records)).toEqual(ids(newest.slice(0, 30)));
        const last = await store.page({}, 240, 30);
        expect(ids(last.records)).toEqual(ids(newest.slice(240)));
        expect(last.records[9]!.status).toBe('sent');
        expect((await store.page({}, 300, 30)).records).toEqual([]);
        expect((await store.page({}, 0, 0)).records).toEqual([]);
      });

      it('filters on tab, site, name, kind, category and status together', async () => {
        const { store, newest } = await filled();
        const query = { tabId: 0, origin: 'https://a.test', name: 'signup_completed', kind: 'custom' as const, category: 'custom', statuses: ['queued' as const] };
        const want = newest.filter((r) => {
          const i = r.event.properties.n as number;
          return i % 2 === 0 && i % 5 !== 0 && i % 3 === 0 && i % 4 !== 0;
        });
        const page = await store.page(query, 0, 1000);
        expect(page.total).toBe(want.length);
        expect(ids(page.records)).toEqual(ids(want));
        expect((await store.page({ statuses: ['sent'] }, 0, 1000)).total).toBe(63);
        expect((await store.page({ acceptOrigin: (o) => o === 'https://b.test' }, 0, 1000)).total).toBe(50);
        expect((await store.page({ name: 'no_such_event' }, 0, 10))).toEqual({ total: 0, offset: 0, records: [] });
      });

      it('pages one name, and one tab, anywhere in history (counted per chunk, walked where the window is)', async () => {
        const { store, newest } = await filled();
        for (const [query, keep] of [
          [{ name: 'page_view' }, (r: HistoryRecord) => r.event.name === 'page_view'],
          [{ tabId: 1 }, (r: HistoryRecord) => r.tabId === 1],
          [{}, () => true],
        ] as const) {
          const want = newest.filter(keep);
          for (const offset of [0, 25, 60, want.length - 3]) {
            const page = await store.page(query, offset, 10);
            expect(page.total).toBe(want.length);
            expect(ids(page.records)).toEqual(ids(want.slice(offset, offset + 10)));
          }
        }
      });

      it('applies a read-the-record test after the indexed fields, and pages its matches', async () => {
        const { store, newest } = await filled();
        const match = (r: HistoryRecord) => (r.event.properties.n as number) % 10 === 7;
        const page = await store.page({ tabId: 1, match }, 5, 10);
        const want = newest.filter((r) => r.tabId === 1 && match(r));
        expect(page.total).toBe(want.length);
        expect(ids(page.records)).toEqual(ids(want.slice(5, 15)));
      });

      it('tallies history by status, origin and name without paging it', async () => {
        const { store } = await filled();
        const t = await store.tally();
        expect(t.total).toBe(250);
        expect(t.byStatus).toEqual({ queued: 187, retrying: 0, sent: 63, dropped: 0 });
        expect(t.waitingByOrigin).toEqual({ 'https://a.test': 150, 'https://b.test': 37 });
        expect(t.origins).toEqual(['https://a.test', 'https://b.test']);
        expect(t.categories).toEqual(['custom', 'navigation']);
        expect(t.names).toEqual([{ name: 'signup_completed', count: 84 }, { name: 'checkout_started', count: 83 }, { name: 'page_view', count: 83 }]);
        expect(t.bytes).toBeGreaterThan(250 * 100);
      });

      it('pages and tallies follow every change: delivery, eviction, trim and clear', async () => {
        const { store, list, newest } = await filled();
        await store.apply({ put: [{ ...list[249]!, status: 'retrying' }], dequeue: [] });
        expect((await store.page({}, 0, 1)).records[0]!.status).toBe('retrying');
        expect((await store.tally()).byStatus.retrying).toBe(1);
        await store.evict({ maxEvents: 180, maxBytes: Infinity }, new Set(), 'queue full');
        expect((await store.tally()).byStatus).toMatchObject({ queued: 179, dropped: 7 });
        expect(await store.trim(200)).toBe(50);
        expect((await store.page({}, 0, 1000)).total).toBe(200);
        expect(ids((await store.page({}, 0, 3)).records)).toEqual(ids(newest.slice(0, 3)));
        await store.clear();
        const kept = await store.page({}, 0, 1000);
        expect(kept.records.every((r) => r.status === 'queued' || r.status === 'retrying')).toBe(true);
        expect((await store.tally()).total).toBe(kept.total);
        await store.clear(true);
        expect(await store.tally()).toMatchObject({ total: 0, bytes: 0 });
        expect((await store.page({}, 0, 10)).total).toBe(0);
      });

      it('trim keeps history within its byte bound too, oldest settled first', async () => {
        const { store, newest } = await filled();
        const bytes = (await store.tally()).bytes;
        const removed = await store.trim(Infinity, bytes - 1);
        expect(removed).toBe(1);
        const oldestSent = newest.at(-1)!;
        expect(ids((await store.page({}, 0, 1000)).records)).not.toContain(oldestSent.id);
        expect((await store.tally()).bytes).toBeLessThan(bytes);
        // Queued records are never trimmed, however small the bound.
        await store.trim(0, 0);
        expect((await store.tally()).total).toBe(187);
      });
    });

    it('meta: unknown keys are undefined; values round-trip, overwrite and are copied', async () => {
      const store = makeStore();
      expect(await store.getMeta('retry')).toBeUndefined();
      const value = { failures: 2, notBefore: 123, rateLimited: true, lastError: 'HTTP 429', nested: [1, { x: null }] };
      await store.setMeta('retry', value);
      value.failures = 99;
      expect(await store.getMeta('retry')).toEqual({ ...value, failures: 2 });
      await store.setMeta('retry', { failures: 3 });
      expect(await store.getMeta('retry')).toEqual({ failures: 3 });
      await store.setMeta('other', 'text');
      expect(await store.getMeta('other')).toBe('text');
      expect(await store.getMeta('retry')).toEqual({ failures: 3 });
    });

    it('meta does not disturb the totals', async () => {
      const store = makeStore();
      await store.ingest(records(2));
      await store.setMeta('retry', { failures: 1 });
      expect(await store.stats()).toEqual({ captured: 2, queued: 2, sent: 0, dropped: 0 });
    });
  });
}
