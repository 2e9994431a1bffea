import { deliveries, expect, outboxCount, received, test } from './fixtures';

test('300 events while the service worker is stopped 5 times: every one arrives, none lost', async ({ collector, extension, sitePage, site }) => {
  test.setTimeout(120_000);
  // Batches of 10, so that the bound on re-sent events below (two batches a stop) is well
  // under the 300 events: re-sending everything, or every batch, would break it.
  await extension.configure({ batchSize: 10 });
  await sitePage.goto(`${site.url}/index.html`);
  const started = Date.now();

  // 30 bursts of 10 events; the worker is stopped after bursts 5, 10, 15, 20 and 25, each
  // time with events still on their way through the bridge and the queue.
  for (let burst = 0; burst < 30; burst++) {
    await sitePage.evaluate((b) => {
      for (let i = 0; i < 10; i++) window.Trodo!.track('soak_event', { seq: b * 10 + i });
    }, burst);
    if (burst % 5 === 4 && burst < 29) await extension.stopWorker();
    await sitePage.waitForTimeout(50);
  }

  const events = await received(collector, 300, (e) => e.event.event_name === 'soak_event', 60_000);
  const seqs = events.map((e) => e.event.custom_properties.seq as number).sort((a, b) => a - b);
  expect(seqs).toEqual(Array.from({ length: 300 }, (_, i) => i));
  expect(extension.workerLife().stops).toBe(5);
  // Every stop was followed by a start (the bursts after it woke the worker again).
  expect(extension.workerLife().starts).toBeGreaterThanOrEqual(5);
  // events() is deduplicated; the raw bodies say how often each really went out. A stop can
  // cost a re-send of what was in flight or delivered but not yet recorded (two batches).
  const sent = deliveries(collector, (e) => e.event_name === 'soak_event');
  expect(sent.unique).toBe(300);
  expect(sent.extra).toBeLessThanOrEqual(5 * 2 * 10);
  // Stops are five bursts apart, so no batch is caught by two of them.
  expect(sent.most).toBeLessThanOrEqual(2);
  console.log(`soak: 300/300 delivered, ${sent.extra} duplicate deliveries deduped by event_id, drained in ${Date.now() - started} ms`);
});

test('events tracked while the collector is down are kept and delivered once it recovers', async ({ collector, extension, sitePage, site }) => {
  void extension;
  collector.faults([{ status: 503, times: 3 }]);
  await sitePage.goto(`${site.url}/index.html`);
  await sitePage.evaluate(() => {
    for (let i = 0; i < 20; i++) window.Trodo!.track('during_outage', { i });
  });
  const events = await received(collector, 20, (e) => e.event.event_name === 'during_outage', 30_000);
  expect(events).toHaveLength(20);
  const statuses = collector.requests().filter((r) => r.path === '/api/events/bulk').map((r) => r.status);
  expect(statuses.slice(0, 3)).toEqual([503, 503, 503]);
  expect(statuses.at(-1)).toBe(200);
  // A refused request took nothing, so nothing went twice.
  expect(deliveries(collector, (e) => e.event_name === 'during_outage')).toMatchObject({ unique: 20, extra: 0 });
});

test('events left in the page outbox by a closed tab are delivered on the next visit to that origin', async ({ collector, extension, site }) => {
  // In the first tab the tracker and the bridge never meet: a test init script, which runs
  // before the extension's document_start scripts (no page script can), swallows their
  // handshake on window. So its events stay in the page origin's IndexedDB outbox, as when a
  // tab closes before the worker could acknowledge.
  const first = await extension.context.newPage();
  await first.addInitScript(() => {
    window.addEventListener('trodo-qa', (e) => e.stopImmediatePropagation(), true);
  });
  await first.goto(`${site.url}/index.html`);
  await first.evaluate(() => {
    for (let i = 0; i < 5; i++) window.Trodo!.track('left_in_outbox', { i });
  });
  await first.waitForTimeout(1000);
  expect(collector.events().filter((e) => e.event.event_name === 'left_in_outbox')).toHaveLength(0);
  await first.close();

  const second = await extension.context.newPage();
  await second.goto(`${site.url}/index.html`);
  const events = await received(collector, 5, (e) => e.event.event_name === 'left_in_outbox');
  expect(new Set(events.map((e) => e.event.custom_properties.i)).size).toBe(5);
  // Acknowledged on this visit: the outbox is empty, so a third visit has nothing to replay.
  // (The worker drops ids it already knows, so a replay would never show at the collector.)
  await expect.poll(() => outboxCount(second)).toBe(0);
  // After a reload the new load's own records (its page view) pass through the outbox too,
  // and are acknowledged in turn: it drains again.
  await second.reload();
  await second.evaluate(() => window.Trodo!.ready());
  await expect.poll(() => outboxCount(second)).toBe(0);
});

test('IndexedDB starts failing (over quota) after events are stored: they are carried into memory and sent, the popup says durability is degraded, and the next start is back on IndexedDB', async ({ collector, extension, sitePage, site }) => {
  test.setTimeout(120_000);
  await extension.configure({ autoEvents: false, maxBackoffMs: 1000 });
  const origin = `chrome-extension://${extension.id}`;
  const workerLogs: string[] = [];
  const listen = async () => (await extension.worker()).on('console', (m) => workerLogs.push(m.text()));

  // Chromium applies a quota override only to a database created after it: stop the worker,
  // delete its database, then lower the quota, so that the next start creates it under a
  // quota that a few hundred events outgrow.
  await extension.stopWorker();
  const extPage = await extension.context.newPage();
  await extPage.goto(`${origin}/manifest.json`);
  expect(await extPage.evaluate(() => new Promise((resolve) => (indexedDB.deleteDatabase('trodo-worker').onsuccess = () => resolve('deleted'))))).toBe('deleted');
  const cdp = await extension.context.newCDPSession(extPage);
  await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: 600_000 });

  // The collector refuses everything, so events stay queued in the worker's store.
  collector.faults([{ status: 503, times: 1_000_000 }]);
  await sitePage.goto(`${site.url}/index.html`);
  await sitePage.evaluate(() => window.Trodo!.ready());
  await listen();
  const popup = await extension.openPopup();
  let tracked = 0;
  while (!(await popup.getByTestId('degraded').isVisible())) {
    expect(tracked, 'IndexedDB never ran over the quota').toBeLessThan(2000);
    await sitePage.evaluate((from) => {
      for (let i = from; i < from + 20; i++) window.Trodo!.track('over_quota', { seq: i, pad: 'x'.repeat(2000) });
    }, tracked);
    tracked += 20;
    await sitePage.waitForTimeout(200);
  }
  await expect(popup.getByTestId('degraded')).toContainText('QuotaExceededError');
  // Events were stored before the failure, and were carried into memory when it came.
  const carried = workerLogs.map((m) => /(\d+) events IndexedDB still held are carried into memory/.exec(m)).find(Boolean);
  expect(carried, `worker log: ${workerLogs.join(' | ')}`).toBeTruthy();
  const held = Number(carried![1]);
  expect(held).toBeGreaterThan(0);
  await sitePage.evaluate((from) => {
    for (let i = from; i < from + 20; i++) window.Trodo!.track('over_quota', { seq: i, pad: 'x'.repeat(2000) });
  }, tracked);
  tracked += 20;

  // The server recovers: every event arrives, those stored before the failure included.
  collector.faults([]);
  const events = await received(collector, tracked, (e) => e.event.event_name === 'over_quota', 60_000);
  expect(events.map((e) => e.event.custom_properties.seq as number).sort((a, b) => a - b)).toEqual(Array.from({ length: tracked }, (_, i) => i));
  expect(deliveries(collector, (e) => e.event_name === 'over_quota').extra).toBe(0);

  // The next start tries IndexedDB again: with room again, it is durable again.
  await cdp.send('Storage.overrideQuotaForOrigin', { origin });
  await popup.close();
  await extension.stopWorker();
  await sitePage.evaluate(() => window.Trodo!.track('after_restart'));
  await listen();
  await received(collector, 1, (e) => e.event.event_name === 'after_restart');
  const reopened = await extension.openPopup();
  await expect(reopened.getByTestId('event-list')).toContainText('after_restart');
  await expect(reopened.getByTestId('degraded')).toHaveCount(0);
  // IndexedDB refused to settle what it held (over quota), so the new life sent those again:
  // at most once more each (the carried count includes the session's own records), and
  // deduplicated by event_id at the collector.
  await expect.poll(() => deliveries(collector, (e) => e.event_name === 'over_quota').extra).toBeGreaterThan(0);
  const again = deliveries(collector, (e) => e.event_name === 'over_quota');
  expect(again.extra).toBeLessThanOrEqual(held);
  expect(again).toMatchObject({ unique: tracked, most: 2 });
  expect(extension.workerLife().stops).toBe(2);
});
