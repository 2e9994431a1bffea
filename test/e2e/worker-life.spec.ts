import type { Page } from '@playwright/test';
import type { Collector } from '../../lib/collector/server';
import { digestOf } from '../../lib/worker/history-query';
import { FLUSH_ALARM } from '../../lib/worker/service';
import { eventBytes } from '../../lib/worker/store';
import { idSource, makeEvent, makeRecord } from '../helpers';
import { deliveries, expect, received, test, type Extension } from './fixtures';

// What keeps delivery going when the worker's own life is cut short: the alarm that wakes
// a stopped worker, and a stop in the middle of a request.

const bulk = (collector: Collector) => collector.requests().filter((r) => r.path === '/api/events/bulk');
const carrying = (collector: Collector, name: string, status: number) =>
  bulk(collector).some((r) => r.status === status && (r.body as { events: { event_name: string }[] }).events.some((e) => e.event_name === name));

/** An extension page to ask the alarms API from (a page, not the worker: it may be stopped). */
async function alarmsPage(extension: Extension): Promise<Page> {
  const page = await extension.context.newPage();
  await page.goto(`chrome-extension://${extension.id}/manifest.json`);
  return page;
}
type Alarms = { alarms: { get(name: string): Promise<{ periodInMinutes?: number } | undefined>; clear(name: string): Promise<boolean> } };
const getAlarm = (page: Page) => page.evaluate((name) => (globalThis as unknown as { chrome: Alarms }).chrome.alarms.get(name), FLUSH_ALARM);

test('the alarm backstop: queued under 503, tabs closed, worker stopped, server back: delivered with no page open; the alarm exists after every start', async ({ collector, extension, site }) => {
  test.setTimeout(90_000);
  await extension.configure({ maxBackoffMs: 1000, autoEvents: false });
  const alarms = await alarmsPage(extension);
  expect(await getAlarm(alarms)).toMatchObject({ periodInMinutes: 0.5 });

  // Re-created at every start: cleared, then the worker stopped and woken, it is back.
  await alarms.evaluate((name) => (globalThis as unknown as { chrome: Alarms }).chrome.alarms.clear(name), FLUSH_ALARM);
  expect(await getAlarm(alarms)).toBeUndefined();
  await extension.stopWorker();
  const popup = await extension.openPopup(); // its port wakes the worker
  await expect.poll(() => getAlarm(alarms)).toMatchObject({ periodInMinutes: 0.5 });
  await popup.close();

  collector.faults([{ status: 503, times: 100_000 }]);
  const page = await extension.context.newPage();
  await page.goto(`${site.url}/index.html`);
  await page.evaluate(() => {
    for (let i = 0; i < 5; i++) window.Trodo!.track('via_alarm', { i });
  });
  await expect.poll(() => carrying(collector, 'via_alarm', 503), { timeout: 15_000 }).toBe(true);
  await page.close();
  await extension.stopWorker();
  const { starts } = extension.workerLife();
  collector.faults([]);
  const recovered = Date.now();

  // Nothing but the alarm can wake the worker now: no page, no popup, no port.
  const events = await received(collector, 5, (e) => e.event.event_name === 'via_alarm', 45_000);
  const after = Math.max(...events.map((e) => e.receivedAt)) - recovered;
  expect(after).toBeLessThanOrEqual(40_000);
  expect(extension.workerLife().starts).toBeGreaterThan(starts);
  expect(await getAlarm(alarms)).toMatchObject({ periodInMinutes: 0.5 });
  console.log(`alarm backstop: 5/5 delivered ${after} ms after the server recovered, with no page open`);
});

test('the worker stopped while a slow request is in flight: the batch is sent again after the restart, nothing lost, at most one extra delivery', async ({ collector, extension, sitePage, site }) => {
  await extension.configure({ autoEvents: false, requestTimeoutMs: 10_000, maxBackoffMs: 1000 });
  await sitePage.goto(`${site.url}/index.html`);
  await sitePage.evaluate(() => window.Trodo!.ready());
  collector.faults([{ delayMs: 3000 }]);
  await sitePage.evaluate(() => {
    for (let i = 0; i < 10; i++) window.Trodo!.track('in_flight', { i });
  });
  // The slow request has reached the collector and is not answered yet: stop the worker now.
  const slow = () => bulk(collector).find((r) => r.fault && (r.body as { events: { event_name: string }[] }).events.some((e) => e.event_name === 'in_flight'));
  await expect.poll(() => slow()?.status, { timeout: 15_000 }).toBe(0);
  await extension.stopWorker();
  expect(slow()!.status).toBe(0);

  // The page's next message wakes the worker; its start sends what is still queued.
  await sitePage.evaluate(() => window.Trodo!.track('after_stop'));
  const events = await received(collector, 10, (e) => e.event.event_name === 'in_flight', 30_000);
  expect(new Set(events.map((e) => e.event.custom_properties.i)).size).toBe(10);
  await received(collector, 1, (e) => e.event.event_name === 'after_stop');
  // The collector finishes the slow request after its sender is gone, and takes it.
  await expect.poll(() => slow()!.status, { timeout: 10_000 }).toBe(200);
  const sent = deliveries(collector, (e) => e.event_name === 'in_flight');
  // So the batch may arrive twice, never more.
  expect(sent.most).toBeLessThanOrEqual(2);
  expect(extension.workerLife()).toMatchObject({ stops: 1 });

  const popup = await extension.openPopup();
  await popup.getByTestId('search').fill('in_flight');
  const statuses = popup.getByTestId('event-row').getByTestId('event-status');
  await expect(statuses).toHaveCount(10);
  for (const status of await statuses.all()) await expect(status).toHaveText(/^sent · HTTP 200/);
  console.log(`stop in flight: 10/10 delivered, ${sent.extra} extra deliveries (the slow request landed after the stop)`);
});

test('an update that upgrades the worker database (v2 per-event layout to v5 chunks with digests and states) with events queued: nothing is lost', async ({ collector, extension }) => {
  // No build of the old version is kept in the tree, so its database is written as it
  // left it (one record per event in `history`, queued ids in `queue`, the layout of DB
  // version 2) while the worker is stopped; the reload then starts this build's worker
  // on it, as an update would.
  test.setTimeout(60_000);
  await extension.configure({ autoEvents: false, maxBackoffMs: 1000 });
  const page = await alarmsPage(extension);
  await extension.stopWorker();
  const nextId = idSource(Date.now());
  const now = Date.now();
  const list = Array.from({ length: 6 }, (_, i) => makeRecord(makeEvent({ name: 'from_v2', properties: { i }, time: now }, nextId), { capturedAt: now, queuedAt: now }));
  const olderSent = { ...list[0]!, status: 'sent' as const };
  const queued = list.slice(1);
  const written = await page.evaluate(
    async (json) => {
      const { history, queue } = JSON.parse(json) as { history: { id: string }[]; queue: { id: string; origin: string }[] };
      const request = <T>(r: IDBRequest<T> | IDBOpenDBRequest) =>
        new Promise<T>((resolve, reject) => {
          r.onsuccess = () => resolve(r.result as T);
          r.onerror = () => reject(r.error);
          if ('onblocked' in r) r.onblocked = () => reject(new Error('blocked: the worker still holds the database'));
        });
      await request(indexedDB.deleteDatabase('trodo-worker'));
      const open = indexedDB.open('trodo-worker', 2);
      open.onupgradeneeded = () => {
        open.result.createObjectStore('queue', { keyPath: 'id' });
        open.result.createObjectStore('history', { keyPath: 'id' }).createIndex('tabId', 'tabId');
        open.result.createObjectStore('meta');
      };
      const db = await request<IDBDatabase>(open);
      const tx = db.transaction(['history', 'queue', 'meta'], 'readwrite');
      for (const record of history) tx.objectStore('history').put(record);
      for (const record of queue) tx.objectStore('queue').put({ id: record.id, origin: record.origin });
      tx.objectStore('meta').put({ captured: history.length, queued: 0, sent: 1, dropped: 0 }, 'stats');
      await new Promise((resolve, reject) => ((tx.oncomplete = resolve), (tx.onabort = () => reject(tx.error))));
      db.close();
      return db.version;
    },
    JSON.stringify({ history: [olderSent, ...queued], queue: queued }),
  );
  expect(written).toBe(2);

  await extension.reload();
  const events = await received(collector, queued.length, (e) => e.event.event_name === 'from_v2', 45_000);
  expect(events.map((e) => e.event.event_id).sort()).toEqual(queued.map((r) => r.id).sort());
  // The new worker's database is at version 5, and the popup shows the old history.
  const popup = await extension.openPopup();
  expect(await popup.evaluate(async () => (await indexedDB.databases()).find((d) => d.name === 'trodo-worker')?.version)).toBe(5);
  await popup.getByTestId('search').fill('from_v2');
  await expect(popup.getByTestId('event-row')).toHaveCount(6);
  await expect(popup.locator('[data-testid="event-row"][data-status="sent"]')).toHaveCount(6);
});

test('an update from v4 (chunks whose records are settled in place) with events queued: the queued ones are sent, the history stays', async ({ collector, extension }) => {
  // As the previous release left its database: a chunk of records (events as objects, the
  // sent one rewritten in place), its digest, the queue entry and the counters of DB v4.
  test.setTimeout(60_000);
  await extension.configure({ autoEvents: false, maxBackoffMs: 1000 });
  const page = await alarmsPage(extension);
  await extension.stopWorker();
  const nextId = idSource(Date.now());
  const now = Date.now();
  const list = Array.from({ length: 6 }, (_, i) => makeRecord(makeEvent({ name: 'from_v4', properties: { i }, time: now }, nextId), { capturedAt: now, queuedAt: now }));
  const records = [{ ...list[0]!, status: 'sent' as const, attempts: 1, sentAt: now, batchId: 'b-v4', httpStatus: 200 }, ...list.slice(1)];
  const queued = list.slice(1);
  const key = records[0]!.id;
  // Typed arrays do not survive page.evaluate's JSON: sent as arrays, made again in the page.
  const digest = Object.fromEntries(Object.entries(digestOf(key, records)).map(([k, v]) => [k, ArrayBuffer.isView(v) ? { type: v.constructor.name, values: [...(v as unknown as number[])] } : v]));
  const bytes = records.map(eventBytes);
  const v4 = {
    chunk: { key, ids: records.map((r) => r.id), records },
    digest,
    queue: { key, ids: queued.map((r) => r.id), sizes: bytes.slice(1), origins: queued.map((r) => r.origin), seq: 1 },
    meta: {
      stats: { captured: 6, queued: 0, sent: 1, dropped: 0 },
      tabCounts: { 1: 6 },
      queueBytes: bytes.slice(1).reduce((a, b) => a + b, 0),
      newestChunk: { key, seq: 1 },
      history: { count: 6, bytes: bytes.reduce((a, b) => a + b, 0) },
    },
  };
  const written = await page.evaluate(async (json) => {
    const data = JSON.parse(json) as { chunk: object; digest: Record<string, unknown>; queue: object; meta: Record<string, unknown> };
    const request = <T>(r: IDBRequest<T> | IDBOpenDBRequest) =>
      new Promise<T>((resolve, reject) => {
        r.onsuccess = () => resolve(r.result as T);
        r.onerror = () => reject(r.error);
        if ('onblocked' in r) r.onblocked = () => reject(new Error('blocked: the worker still holds the database'));
      });
    const arrays: Record<string, (values: number[]) => unknown> = { Uint16Array: (v) => Uint16Array.from(v), Uint8Array: (v) => Uint8Array.from(v), Uint32Array: (v) => Uint32Array.from(v), Float64Array: (v) => Float64Array.from(v.map((n) => n ?? NaN)) };
    const digest = Object.fromEntries(Object.entries(data.digest).map(([k, v]) => [k, v && typeof v === 'object' && 'type' in v ? arrays[(v as { type: string }).type]!((v as unknown as { values: number[] }).values) : v]));
    await request(indexedDB.deleteDatabase('trodo-worker'));
    const open = indexedDB.open('trodo-worker', 4);
    open.onupgradeneeded = () => {
      open.result.createObjectStore('chunks', { keyPath: 'key' }).createIndex('ids', 'ids', { multiEntry: true, unique: true });
      open.result.createObjectStore('queue', { keyPath: 'key' });
      open.result.createObjectStore('meta');
      open.result.createObjectStore('digests', { keyPath: 'key' });
    };
    const db = await request<IDBDatabase>(open);
    const tx = db.transaction(['chunks', 'queue', 'meta', 'digests'], 'readwrite');
    tx.objectStore('chunks').put(data.chunk);
    tx.objectStore('digests').put(digest);
    tx.objectStore('queue').put(data.queue);
    for (const [k, v] of Object.entries(data.meta)) tx.objectStore('meta').put(v, k);
    await new Promise((resolve, reject) => ((tx.oncomplete = resolve), (tx.onabort = () => reject(tx.error))));
    db.close();
    return db.version;
  }, JSON.stringify(v4));
  expect(written).toBe(4);

  await extension.reload();
  const events = await received(collector, queued.length, (e) => e.event.event_name === 'from_v4', 45_000);
  expect(events.map((e) => e.event.event_id).sort()).toEqual(queued.map((r) => r.id).sort());
  expect(collector.events().filter((e) => e.event.event_name === 'from_v4')).toHaveLength(5); // the one sent before is not sent again
  const popup = await extension.openPopup();
  expect(await popup.evaluate(async () => (await indexedDB.databases()).find((d) => d.name === 'trodo-worker')?.version)).toBe(5);
  await popup.getByTestId('search').fill('from_v4');
  await expect(popup.getByTestId('event-row')).toHaveCount(6);
  await expect(popup.locator('[data-testid="event-row"][data-status="sent"]')).toHaveCount(6);
});
