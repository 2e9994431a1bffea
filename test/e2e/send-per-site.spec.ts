import type { Page } from '@playwright/test';
import { startCollector, type Collector } from '../../lib/collector/server';
import { launchWithExtension } from '../../lib/demo/browser';
import { expect, extensionOf, received, test, type Extension } from './fixtures';

/**
 * Sending is per site and opt-in (lib/sending.ts). Remote ingestion is stood in for by the
 * test's collector under a name that is not loopback: Chromium resolves `remote.test` to
 * 127.0.0.1, while the worker, which decides "loopback" by the host's name, sees a remote
 * host. Two origins of the fixture site: `127.0.0.1` is enabled for sending and carries the
 * markers; `localhost` is not enabled, and nothing of it may reach the collector.
 */
const REMOTE = 'remote.test';

async function withRemoteIngestion(run: (extension: Extension, collector: Collector) => Promise<void>) {
  // The collector answers only loopback names in Host unless told another one is its own.
  const collector = await startCollector({ port: 0, allowedHosts: [REMOTE] });
  const { context, extensionId } = await launchWithExtension({ args: [`--host-resolver-rules=MAP ${REMOTE} 127.0.0.1`] });
  try {
    const extension = extensionOf(context, extensionId);
    await run(extension, collector);
  } finally {
    await context.close();
    await collector.close();
  }
}

/** Everything the collector was sent (events and calls) that came from `origin` or names `marker`. */
function requestsMentioning(collector: Collector, ...needles: string[]) {
  return collector.requests().filter((r) => needles.some((n) => JSON.stringify(r.body ?? null).includes(n)));
}

/** Every event id in every bulk request body, duplicates included. */
function rawEventIds(collector: Collector): string[] {
  return collector
    .requests()
    .filter((r) => r.path === '/api/events/bulk' && r.status < 300)
    .flatMap((r) => ((r.body as { events?: { event_id: string }[] } | null)?.events ?? []).map((e) => e.event_id));
}

async function track(page: Page, name: string) {
  await page.evaluate((n) => window.Trodo!.track(n), name);
}

test('a site not enabled sends nothing while held; one click sends its events in order, once; switching it off holds new ones', async ({ site }, testInfo) => {
  test.setTimeout(150_000);
  const heldOrigin = site.url.replace('127.0.0.1', 'localhost');
  const markerOrigin = site.url;
  await withRemoteIngestion(async (extension, collector) => {
    await extension.configure({
      apiHost: `http://${REMOTE}:${collector.port}`,
      siteId: 'e2e-site',
      flushIntervalMs: 100,
      sendingSites: [markerOrigin],
      autoEvents: false,
    });
    const marker = await extension.context.newPage();
    await marker.goto(`${markerOrigin}/index.html`);
    const held = await extension.context.newPage();
    await held.goto(`${heldOrigin}/index.html`);

    // Events and calls on the held site, then markers from the enabled one for 10 s. Batches
    // go oldest first, so once a marker tracked after the held events has arrived, the held
    // ones had every chance to go too.
    for (let i = 1; i <= 5; i++) await track(held, `held_${i}`);
    await held.evaluate(() => window.Trodo!.identify('held-user'));
    await held.evaluate(() => window.Trodo!.people.set({ plan: 'held' }));
    const start = Date.now();
    let n = 0;
    do {
      await track(marker, `marker_${++n}`);
      await received(collector, 1, (e) => e.event.event_name === `marker_${n}`);
    } while (Date.now() - start < 10_000);
    expect(requestsMentioning(collector, heldOrigin, 'held-user'), 'nothing of the held site reached the collector').toEqual([]);

    // The popup on the held tab: held, counted, and why.
    const popup = await extension.openPopup(held);
    await expect(popup.getByTestId('sending-text')).toContainText('Held: site not enabled for sending');
    const heldRows = popup.getByTestId('event-row').filter({ hasText: /held_\d/ });
    await expect(heldRows).toHaveCount(5);
    for (const row of await heldRows.all()) {
      await expect(row).toHaveAttribute('data-status', 'held');
      await expect(row.getByTestId('event-status')).toHaveText('held: site not enabled for sending');
    }
    await expect(popup.getByTestId('count-held').locator('dd')).not.toHaveText('0');
    await popup.screenshot({ path: testInfo.outputPath('popup-held-site.png') });

    // One click: they go, in the order they were tracked, each once.
    await expect(popup.getByTestId('send-site')).toHaveText(`Send this site's events to ${REMOTE}:${collector.port}`);
    await popup.getByTestId('send-site').click();
    const delivered = await received(collector, 5, (e) => /^held_\d$/.test(e.event.event_name));
    expect(delivered.map((e) => e.event.event_name)).toEqual(['held_1', 'held_2', 'held_3', 'held_4', 'held_5']);
    await expect.poll(() => collector.calls().filter((c) => c.path === '/api/sdk/identify').length).toBe(1);
    await expect.poll(() => collector.calls().filter((c) => c.path === '/api/sdk/people/set').length).toBe(1);
    await expect(popup.getByTestId('sending-text')).toHaveText(`Sent to ${REMOTE}:${collector.port}.`);
    await expect(heldRows.first()).toHaveAttribute('data-status', 'sent');
    // The click edited the setting the options page shows.
    const options = await extension.context.newPage();
    await options.goto(`chrome-extension://${extension.id}/options.html`);
    await expect(options.locator('textarea[name="sendingSites"]')).toHaveValue(`${markerOrigin}\n${heldOrigin}`);
    await options.close();

    // Switched off again: new events of the site are held, the markers still go.
    await popup.getByTestId('stop-sending').click();
    await expect(popup.getByTestId('sending-text')).toContainText('Held: site not enabled for sending');
    await track(held, 'after_off');
    await expect(popup.getByTestId('event-row').filter({ hasText: 'after_off' })).toHaveAttribute('data-status', 'held');
    await track(marker, 'marker_after_off');
    await received(collector, 1, (e) => e.event.event_name === 'marker_after_off');
    expect(collector.events().filter((e) => e.event.event_name === 'after_off')).toEqual([]);

    // Exactly once, down to the raw request bodies.
    const raw = rawEventIds(collector);
    expect(raw.length, 'an event id sent twice').toBe(new Set(raw).size);
    expect(collector.duplicates()).toBe(0);
  });
});

test('to a local collector on loopback every site is sent at once, and the popup says so', async ({ collector, extension, site }) => {
  // The fixture's extension posts to the collector at 127.0.0.1, with no site enabled.
  await extension.configure({ autoEvents: false, sendingSites: [] });
  const page = await extension.context.newPage();
  const origin = site.url.replace('127.0.0.1', 'localhost');
  await page.goto(`${origin}/index.html`);
  await track(page, 'to_loopback');
  const [got] = await received(collector, 1, (e) => e.event.event_name === 'to_loopback');
  expect(got!.event.page_data.current_url.startsWith(origin)).toBe(true);
  const popup = await extension.openPopup(page);
  await expect(popup.getByTestId('sending')).toHaveAttribute('data-sending', 'sent');
  await expect(popup.getByTestId('sending-text')).toContainText('a local collector on loopback');
  await expect(popup.getByTestId('send-site')).toHaveCount(0);
});
