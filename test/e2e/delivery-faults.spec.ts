import type { Page } from '@playwright/test';
import type { Collector, ReceivedRequest } from '../../lib/collector/server';
import { deliveries, expect, received, test } from './fixtures';

// The fault matrix of issue #8, against the real collector: each response class and what
// the extension does with it, asserted on what reached the server and on the popup.

const bulk = (collector: Collector): ReceivedRequest[] => collector.requests().filter((r) => r.path === '/api/events/bulk');
const gaps = (requests: ReceivedRequest[]) => requests.slice(1).map((r, i) => r.at - requests[i]!.at);

// These tests count events per batch: auto-captured page views would blur that.
test.beforeEach(async ({ extension }) => {
  await extension.configure({ autoEvents: false });
});

async function trackMany(page: Page, name: string, count: number) {
  await page.evaluate(({ name, count }) => {
    for (let i = 0; i < count; i++) window.Trodo!.track(name, { i });
  }, { name, count });
}

test('503 ×20, then 429 Retry-After: 2 ×3, then OK: all arrive, waits follow the backoff cap and Retry-After', async ({ collector, extension, sitePage, site }) => {
  test.setTimeout(90_000);
  const capMs = 1000;
  await extension.configure({ maxBackoffMs: capMs });
  collector.faults([{ status: 503, times: 20 }, { status: 429, retryAfter: '2', times: 3 }]);
  await sitePage.goto(`${site.url}/index.html`);
  const started = Date.now();
  await trackMany(sitePage, 'through_outage', 30);

  const events = await received(collector, 30, (e) => e.event.event_name === 'through_outage', 60_000);
  const requests = bulk(collector);
  expect(requests.slice(0, 23).map((r) => r.status)).toEqual([...Array<number>(20).fill(503), 429, 429, 429]);
  expect(requests.slice(23).every((r) => r.status === 200)).toBe(true);
  const waits = gaps(requests);
  // Full jitter under a 1 s cap: no wait after a 503 is longer than the cap, plus a margin
  // for the request's round trip and timers; each wait after a 429 honours Retry-After: 2.
  const margin = 500;
  for (const wait of waits.slice(0, 20)) expect(wait).toBeLessThanOrEqual(capMs + margin);
  for (const wait of waits.slice(20, 23)) expect(wait).toBeGreaterThanOrEqual(1990);
  // After the last 429 the next try comes once its Retry-After has passed, and it drains.
  const lastFault = requests[22]!.at;
  const drained = Math.max(...events.map((e) => e.receivedAt));
  expect(drained - lastFault).toBeLessThanOrEqual(2000 + margin);
  // Refused requests took nothing: each event went out once.
  expect(deliveries(collector, (e) => e.event_name === 'through_outage')).toMatchObject({ unique: 30, extra: 0 });
  console.log(
    `outage: 30/30 delivered after 20×503 + 3×429; waits after 503 (ms): ${waits.slice(0, 20).join(', ')}; ` +
      `after 429: ${waits.slice(20, 23).join(', ')}; delivered ${drained - lastFault} ms after the last fault; ` +
      `${Date.now() - started} ms in all`,
  );
});

test('413 for batches over 10 events: batches are halved until they fit, all arrive; a lone event still 413 is dropped, visibly', async ({ collector, extension, sitePage, site }) => {
  collector.faults([{ status: 413, overEvents: 10, times: 1000 }]);
  await sitePage.goto(`${site.url}/index.html`);
  await trackMany(sitePage, 'split_me', 40);

  const events = await received(collector, 40, (e) => e.event.event_name === 'split_me');
  expect(new Set(events.map((e) => e.event.custom_properties.i)).size).toBe(40);
  const requests = bulk(collector);
  expect(requests.some((r) => r.status === 413)).toBe(true);
  for (const r of requests) expect(r.status === 200 ? r.events! <= 10 : r.events! > 10).toBe(true);
  console.log(`413 split: 40/40 delivered; batch sizes in order: ${requests.map((r) => `${r.events}→${r.status}`).join(', ')}`);

  collector.faults([{ status: 413, times: 1 }]);
  await sitePage.evaluate(() => window.Trodo!.track('too_large_alone'));
  const popup = await extension.openPopup();
  const row = popup.getByTestId('event-row').filter({ hasText: 'too_large_alone' });
  await expect(row).toHaveAttribute('data-status', 'dropped');
  await expect(row.getByTestId('event-status')).toContainText('dropped · HTTP 413');
  await expect(popup.getByTestId('count-dropped')).toContainText('1');
  expect(collector.events().some((e) => e.event.event_name === 'too_large_alone')).toBe(false);
});

test('400 naming one invalid event: only that one is dropped, with the server’s reason in the popup; the rest arrive', async ({ collector, extension, sitePage, site }) => {
  collector.faults([{ rejectEventNames: ['bad_event'] }]);
  await sitePage.goto(`${site.url}/index.html`);
  await sitePage.evaluate(() => {
    window.Trodo!.track('good_event', { n: 1 });
    window.Trodo!.track('bad_event');
    window.Trodo!.track('good_event', { n: 2 });
    window.Trodo!.track('good_event', { n: 3 });
  });

  await received(collector, 3, (e) => e.event.event_name === 'good_event');
  const popup = await extension.openPopup();
  const bad = popup.getByTestId('event-row').filter({ hasText: 'bad_event' });
  await expect(bad).toHaveAttribute('data-status', 'dropped');
  await expect(bad.getByTestId('event-status')).toContainText('dropped · HTTP 400');
  await expect(bad.getByTestId('event-status')).toContainText('event_name "bad_event" is not accepted');
  const good = popup.getByTestId('event-row').filter({ hasText: 'good_event' });
  await expect(good).toHaveCount(3);
  for (const row of await good.all()) await expect(row).toHaveAttribute('data-status', 'sent');
  await expect(popup.getByTestId('count-dropped')).toContainText('1');
  expect(collector.events().some((e) => e.event.event_name === 'bad_event')).toBe(false);
  const statuses = bulk(collector).map((r) => r.status);
  expect(statuses.filter((s) => s === 400)).toHaveLength(1);
  expect(statuses.filter((s) => s !== 400).every((s) => s === 200)).toBe(true);
});

test('responses slower than the timeout and dropped connections are retried: nothing lost', async ({ collector, extension, sitePage, site }) => {
  await extension.configure({ requestTimeoutMs: 1000, maxBackoffMs: 1000 });
  collector.faults([{ delayMs: 2500, times: 2 }, { drop: true, times: 2 }]);
  await sitePage.goto(`${site.url}/index.html`);
  const started = Date.now();
  await trackMany(sitePage, 'slow_server', 10);

  await expect.poll(() => bulk(collector).filter((r) => r.status === 200 && !r.fault).length, { timeout: 30_000 }).toBeGreaterThanOrEqual(1);
  const events = await received(collector, 10, (e) => e.event.event_name === 'slow_server');
  expect(new Set(events.map((e) => e.event.custom_properties.i)).size).toBe(10);
  const faults = bulk(collector).slice(0, 4).map((r) => JSON.parse(r.fault ?? '{}') as { delayMs?: number; drop?: boolean });
  expect(faults.map((f) => (f.drop ? 'drop' : f.delayMs ? 'slow' : 'none'))).toEqual(['slow', 'slow', 'drop', 'drop']);

  const popup = await extension.openPopup();
  await popup.getByTestId('search').fill('slow_server');
  const statuses = popup.getByTestId('event-row').getByTestId('event-status');
  await expect(statuses).toHaveCount(10);
  for (const status of await statuses.all()) await expect(status).toHaveText(/^sent · HTTP 200/);
  // The batch that met the faults went through all four of them.
  await expect(statuses.filter({ hasText: '5 attempts' }).first()).toBeVisible();
  // A slow answer the extension gave up on still landed: each of the two can add one
  // delivery of its batch, and nothing else is sent twice.
  const sent = deliveries(collector, (e) => e.event_name === 'slow_server');
  expect(sent.most).toBeLessThanOrEqual(3);
  expect(sent.extra).toBeLessThanOrEqual(2 * 10);
  console.log(`timeouts and drops: 10/10 delivered in ${Date.now() - started} ms, ${sent.extra} duplicate deliveries (at most ${sent.most} of one event)`);
});
