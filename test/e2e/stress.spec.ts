import { startCollector } from '../../lib/collector/server';
import { MAX_OUTBOX_EVENTS } from '../../lib/tracker/outbox-bound';
import { MAX_IN_FLIGHT, MAX_UNCOMMITTED } from '../../lib/worker/flusher';
import { deliveries, expect, outboxCount, received, test as base } from './fixtures';

// The default collector keeps the newest 50 000 events: this spec needs all of them, and the
// page view and session records besides.
const test = base.extend({
  collector: async ({}, use) => {
    const collector = await startCollector({ maxEvents: 200_000 });
    await use(collector);
    await collector.close();
  },
});

const TOTAL = 50_000;
const ROUND = 1_000;
/** Rounds after which the worker is stopped: five stops, spread over the run. */
const STOPS = new Set([5, 15, 25, 35, 45]);
/** Events tracked and not yet at the collector, at most, before another round. */
const QUEUED_AT_MOST = 6_000;

test('50 000 events with the service worker stopped 5 times: every one arrives, exactly once after dedupe, few sent twice', async ({ collector, extension, sitePage, site }) => {
  test.setTimeout(420_000);
  await sitePage.goto(`${site.url}/index.html`);
  await sitePage.evaluate(() => window.Trodo!.ready());
  const started = Date.now();

  const delivered = () => collector.events().filter((e) => e.event.event_name === 'stress_event').length;
  for (let round = 0; round < TOTAL / ROUND; round++) {
    // A busy page, but one within the documented bounds, so that any loss is the
    // extension's: the page keeps at most MAX_OUTBOX_EVENTS unacknowledged (nothing is
    // acknowledged while the worker is stopped) and the worker's queue 10 000 events and
    // 20 MB, each dropping its oldest past it. Each round waits for room in both.
    await expect.poll(() => outboxCount(sitePage), { timeout: 60_000, intervals: [50, 100, 250] }).toBeLessThanOrEqual(MAX_OUTBOX_EVENTS - 3 * ROUND);
    await expect.poll(delivered, { timeout: 60_000, intervals: [50, 100, 250] }).toBeGreaterThanOrEqual(round * ROUND - QUEUED_AT_MOST);
    await sitePage.evaluate(
      ([r, n]) => {
        for (let i = 0; i < n; i++) window.Trodo!.track('stress_event', { seq: r * n + i });
      },
      [round, ROUND] as const,
    );
    if (STOPS.has(round)) await extension.stopWorker();
  }
  const tracked = Date.now() - started;

  const events = await received(collector, TOTAL, (e) => e.event.event_name === 'stress_event', 300_000);
  const drained = Date.now() - started;
  const seqs = new Set(events.map((e) => e.event.custom_properties.seq as number));
  expect(seqs.size).toBe(TOTAL);
  expect(Math.min(...seqs)).toBe(0);
  expect(Math.max(...seqs)).toBe(TOTAL - 1);
  // stopWorker() fails unless Chromium reports the worker stopped; these count each stop
  // and the starts that followed (the page's bridge woke the worker again).
  expect(extension.workerLife().stops).toBe(STOPS.size);
  expect(extension.workerLife().starts).toBeGreaterThanOrEqual(STOPS.size);

  // events() is deduplicated; the raw request bodies say how often each really went out.
  // A stop re-sends at most what was in flight and what was delivered but not yet recorded.
  const sent = deliveries(collector, (e) => e.event_name === 'stress_event');
  expect(sent.unique).toBe(TOTAL);
  const { batchSize } = await extension.storedSettings();
  expect(sent.extra).toBeLessThanOrEqual(STOPS.size * (MAX_IN_FLIGHT + MAX_UNCOMMITTED) * (batchSize as number));
  // Stops are ten rounds apart, so no batch is caught by two of them.
  expect(sent.most).toBeLessThanOrEqual(2);
  console.log(
    `stress: ${TOTAL}/${TOTAL} delivered across ${STOPS.size} worker stops; tracked in ${tracked} ms, all at the collector after ${drained} ms ` +
      `(${Math.round((TOTAL / drained) * 1000)} events/s); ${sent.extra} deliveries sent twice, deduped by event_id`,
  );
});
