import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchWithExtension } from '../../lib/demo/browser';
import type { Collector } from '../../lib/collector/server';
import { deliveries, expect, exportJson, extensionOf, outboxCount, received, test } from './fixtures';

// Delivery across the things that end contexts: a stopped worker (soak), a closed browser,
// a full queue, and a page that goes away right after tracking.

const bulk = (collector: Collector) => collector.requests().filter((r) => r.path === '/api/events/bulk');

test('soak: 1000 events, the worker stopped 10 times at random moments, 30% of requests failing: none lost', async ({ collector, extension, sitePage, site }) => {
  test.setTimeout(150_000);
  await extension.configure({ maxBackoffMs: 1000 });
  collector.faults([], 0.3);
  await sitePage.goto(`${site.url}/index.html`);
  const started = Date.now();

  // 50 bursts of 20; the worker is stopped after 10 of them, chosen at random, each after
  // a random pause, so stops land between read and send, during a fetch, after a 2xx.
  const bursts = 50;
  const stops = new Set<number>();
  while (stops.size < 10) stops.add(Math.floor(Math.random() * (bursts - 1)));
  for (let burst = 0; burst < bursts; burst++) {
    await sitePage.evaluate((b) => {
      for (let i = 0; i < 20; i++) window.Trodo!.track('soak_1000', { seq: b * 20 + i });
    }, burst);
    if (stops.has(burst)) {
      await sitePage.waitForTimeout(Math.floor(Math.random() * 300));
      await extension.stopWorker();
    }
    await sitePage.waitForTimeout(30);
  }

  const events = await received(collector, 1000, (e) => e.event.event_name === 'soak_1000', 120_000);
  const drainMs = Date.now() - started;
  const seqs = events.map((e) => e.event.custom_properties.seq as number).sort((a, b) => a - b);
  expect(seqs).toEqual(Array.from({ length: 1000 }, (_, i) => i));
  const requests = bulk(collector);
  const failed = requests.filter((r) => r.status !== 200).length;
  // The faults and the stops really happened, so this is not a plain delivery test.
  expect(failed).toBeGreaterThan(0);
  expect(extension.workerLife().stops).toBe(10);
  // A stop can cost a re-send of what was in flight or not yet recorded as sent (two
  // batches at most); nothing else is sent twice.
  const sent = deliveries(collector, (e) => e.event_name === 'soak_1000');
  expect(sent.extra).toBeLessThanOrEqual(10 * 2 * 50);
  // Two stops in a row can catch the same batch twice; more than that is a bug.
  expect(sent.most).toBeLessThanOrEqual(3);
  console.log(
    `soak: 1000/1000 delivered, 0 lost; ${sent.extra} duplicate deliveries (deduped by event_id, at most ${sent.most} of one event); ` +
      `${requests.length} requests, ${failed} failed on purpose; ` +
      `worker stopped after bursts ${[...stops].sort((a, b) => a - b).join(', ')}; drained in ${drainMs} ms`,
  );
});

test('events queued when the browser closed are sent after it starts again on the same profile', async ({ collector, site }) => {
  test.setTimeout(90_000);
  const profileDir = await mkdtemp(join(tmpdir(), 'trodo-qa-restart-'));
  collector.faults([{ status: 503, times: 100_000 }]);
  const first = await launchWithExtension({ profileDir });
  await extensionOf(first.context, first.extensionId).configure({ apiHost: collector.url, siteId: 'e2e-site', flushIntervalMs: 100, maxBackoffMs: 1000, autoEvents: false });
  const page = await first.context.newPage();
  await page.goto(`${site.url}/index.html`);
  await page.evaluate(() => {
    for (let i = 0; i < 10; i++) window.Trodo!.track('across_restart', { i });
  });
  // A failed attempt that carried all ten (and the session's session_start): they are in the worker's queue.
  await expect.poll(() => bulk(collector).some((r) => r.status === 503 && (r.events ?? 0) >= 10), { timeout: 15_000 }).toBe(true);
  await first.context.close();
  expect(collector.events()).toHaveLength(0);

  collector.faults([]);
  const restarted = Date.now();
  const second = await launchWithExtension({ profileDir });
  try {
    // No page is opened: the events can only come from the worker's stored queue.
    const events = await received(collector, 10, (e) => e.event.event_name === 'across_restart', 60_000);
    expect(new Set(events.map((e) => e.event.custom_properties.i)).size).toBe(10);
    console.log(`restart: 10/10 delivered ${Date.now() - restarted} ms after the browser started again`);
  } finally {
    await second.context.close();
  }
});

test('queue bound: with the server down, tracking 50 past the bound drops exactly the 50 oldest, shown in the popup', async ({ collector, extension, sitePage, site }) => {
  const bound = 100;
  await extension.configure({ maxQueueEvents: bound, maxBackoffMs: 60_000, autoEvents: false });
  await sitePage.goto(`${site.url}/index.html`);
  // Start the session while the server is up, so its record and session_start are not in
  // the queue: then exactly the 50 oldest tracked events must go.
  await sitePage.evaluate(() => window.Trodo!.track('warm_up'));
  await received(collector, 1, (e) => e.event.event_name === 'warm_up');
  await expect.poll(() => collector.requests().filter((r) => r.path === '/api/sdk/track').length).toBeGreaterThan(0);
  collector.faults([{ status: 503, times: 100_000 }]);
  for (let burst = 0; burst < 3; burst++) {
    await sitePage.evaluate((b) => {
      for (let i = 0; i < 50; i++) window.Trodo!.track('bounded', { seq: b * 50 + i });
    }, burst);
    await sitePage.waitForTimeout(300);
  }

  const popup = await extension.openPopup();
  // The list is virtual (it renders the rows in view), so the popup's counts, its status
  // filter and its export are what tell the whole story.
  await popup.getByTestId('search').fill('bounded');
  await expect(popup.getByTestId('event-list')).toHaveAttribute('data-count', String(bound + 50));
  await expect(popup.getByTestId('count-dropped')).toContainText('50');
  await popup.getByTestId('filter-status').selectOption('dropped');
  await expect(popup.getByTestId('event-list')).toHaveAttribute('data-count', '50');
  await expect(popup.getByTestId('event-status').first()).toContainText('queue full');
  await popup.getByTestId('filter-status').selectOption('');
  const exported = await exportJson(popup);
  const droppedIds = new Set(exported.filter((e) => e.delivery.status === 'dropped').map((e) => e.event.event_id));
  expect(exported.filter((e) => e.delivery.status === 'dropped').every((e) => e.delivery.reason!.includes('queue full'))).toBe(true);
  expect(droppedIds.size).toBe(50);
  const allIds = new Set(exported.map((e) => e.event.event_id));

  collector.faults([]);
  await popup.getByTestId('flush').click();
  const events = await received(collector, bound, (e) => e.event.event_name === 'bounded');
  // Sent one batch at a time, oldest first: once a later event is in, nothing earlier is still on its way.
  await sitePage.evaluate(() => window.Trodo!.track('after_bounded'));
  await received(collector, 1, (e) => e.event.event_name === 'after_bounded');
  const delivered = collector.events().filter((e) => e.event.event_name === 'bounded');
  expect(delivered).toHaveLength(bound);
  expect(delivered.filter((e) => droppedIds.has(e.event.event_id))).toEqual([]);
  expect(new Set([...droppedIds, ...delivered.map((e) => e.event.event_id)])).toEqual(allIds);
  await expect(popup.getByTestId('count-dropped')).toContainText('50');
  const deliveredSeqs = events.map((e) => e.event.custom_properties.seq as number).sort((a, b) => a - b);
  // The 50 oldest, by what was tracked first: not any 50 the popup happens to call dropped.
  expect(delivered.map((e) => e.event.custom_properties.seq as number).sort((a, b) => a - b)).toEqual(Array.from({ length: bound }, (_, i) => 50 + i));
  console.log(`queue bound ${bound}: 150 tracked, 50 dropped (queue full), ${delivered.length} delivered; delivered seqs ${deliveredSeqs[0]}…${deliveredSeqs.at(-1)}`);
});

test('a track in a click handler that navigates away, or just before window.close(), still arrives', async ({ collector, extension, site }) => {
  // All pages load before any click, so no later page load can replay an outbox: what
  // arrives went through the relay while the page was leaving.
  const pages = await Promise.all(Array.from({ length: 5 }, () => extension.context.newPage()));
  for (const [n, page] of pages.entries()) await page.goto(`${site.url}/leave.html?n=${n}`);
  const opener = pages[0]!;
  const [closing] = await Promise.all([opener.waitForEvent('popup'), opener.evaluate(() => window.open('/leave.html?closing', '_blank'))]);
  await closing.waitForFunction(() => window.Trodo !== undefined);
  await closing.evaluate(() => window.Trodo!.ready());
  for (const page of pages) await page.evaluate(() => window.Trodo!.ready());

  for (const page of pages) await page.click('#leave');
  await closing.click('#close');
  await expect.poll(() => closing.isClosed()).toBe(true);

  const navs = await received(collector, 5, (e) => e.event.event_name === 'nav_click');
  expect(new Set(navs.map((e) => e.event.page_data.current_url)).size).toBe(5);
  await received(collector, 1, (e) => e.event.event_name === 'closing_tab');
  for (const page of pages) expect(page.url()).toBe('about:blank');
});

test('extension reload: the worker queue survives, and a page whose content script lost its context keeps events in its outbox for the next visit', async ({ collector, extension, sitePage, site }) => {
  test.setTimeout(90_000);
  await extension.configure({ autoEvents: false });
  collector.faults([{ status: 503, times: 100_000 }]);
  await sitePage.goto(`${site.url}/index.html`);
  await sitePage.evaluate(() => {
    for (let i = 0; i < 5; i++) window.Trodo!.track('queued_before_reload', { i });
  });
  await expect.poll(() => bulk(collector).some((r) => r.status === 503 && (r.events ?? 0) >= 5), { timeout: 15_000 }).toBe(true);
  // Acknowledged, so no longer in the page outbox: after the reload only the worker's queue holds them.
  await expect.poll(() => outboxCount(sitePage)).toBe(0);

  await extension.reload();
  collector.faults([]);

  // This page's bridge lost its extension context: its events wait in the page outbox
  // (and the page sees no error, which the sitePage fixture checks).
  await sitePage.evaluate(() => {
    for (let i = 0; i < 3; i++) window.Trodo!.track('tracked_after_reload', { i });
  });
  // A page of another origin, tracked after them, gets through: had they been relayed, they
  // would be in the worker's queue ahead of it (one batch at a time, oldest first).
  const elsewhere = await extension.context.newPage();
  await elsewhere.goto(`${site.url.replace('127.0.0.1', 'localhost')}/index.html`);
  await elsewhere.evaluate(() => window.Trodo!.track('marker_after_reload'));
  await received(collector, 1, (e) => e.event.event_name === 'marker_after_reload');
  expect(collector.events().filter((e) => e.event.event_name === 'tracked_after_reload')).toHaveLength(0);
  await elsewhere.close();

  // The next visit to that origin runs the new content scripts, which replay the outbox.
  const next = await extension.context.newPage();
  await next.goto(`${site.url}/index.html`);
  const queued = await received(collector, 5, (e) => e.event.event_name === 'queued_before_reload', 60_000);
  expect(new Set(queued.map((e) => e.event.custom_properties.i)).size).toBe(5);
  const replayed = await received(collector, 3, (e) => e.event.event_name === 'tracked_after_reload');
  expect(new Set(replayed.map((e) => e.event.custom_properties.i)).size).toBe(3);
});
