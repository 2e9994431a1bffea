import { fileURLToPath } from 'node:url';
import type { Request } from '@playwright/test';
import { startCollector } from '../../lib/collector/server';
import { startSiteServer } from '../../lib/demo/site-server';
import { expect, exportJson, received, test, withTimeout, type Extension } from './fixtures';

/**
 * The threat model in the README ("Hostile pages"), line by line, against hostile fixture pages
 * (test/e2e/site/hostile/): what a page can do to the extension, and what it must never achieve.
 */

declare const chrome: { storage: { local: { get(key: string): Promise<Record<string, unknown>> } } };

interface HostilePage {
  __forge: {
    junk(trapUrl: string): number;
    spoof(victimUrl: string): string;
    flood(messages: number, perMessage: number): number;
  };
}

const settingsOf = async (extension: Extension) =>
  withTimeout((await extension.worker()).evaluate(async () => (await chrome.storage.local.get('settings')).settings));

/** Every request the extension's service worker makes, whatever its destination. */
function watchWorkerRequests(extension: Extension) {
  const urls: string[] = [];
  extension.context.on('request', (request: Request) => {
    if (request.serviceWorker()) urls.push(request.url());
  });
  return urls;
}

test('a page that freezes Object.prototype and replaces JSON, Promise, fetch and addEventListener first still gets a working window.Trodo that never throws', async ({ collector, extension, sitePage, site }) => {
  void extension;
  await sitePage.goto(`${site.url}/hostile/patched.html`);
  await sitePage.click('#buy');
  await expect(sitePage.locator('#results')).toHaveText(
    ['track: ok', 'identify: ok', 'people.set: ok', 'track with a category: ok', 'click track: ok'].join('\n'),
  );

  const events = await received(collector, 3, (e) => e.event.event_name.startsWith('after_patches') || e.event.event_name.startsWith('patched_'));
  const byName = Object.fromEntries(events.map((e) => [e.event.event_name, e.event]));
  expect(byName.after_patches!.custom_properties).toEqual({ step: 1, nested: { ok: true }, tags: ['a', 'b'] });
  expect(byName.patched_checkout!.event_category).toBe('commerce');
  expect(byName.patched_click!.custom_properties).toEqual({ where: 'buy' });
  await expect.poll(() => collector.requests().filter((r) => r.path === '/api/sdk/identify' || r.path === '/api/sdk/people/set').length).toBe(2);
  // The tracker never used the page's fetch (nor anything else the page replaced after it started).
  expect(await sitePage.locator('#results').evaluate(() => (window as unknown as { __hostile: { fetchCalls: number } }).__hostile.fetchCalls)).toBe(0);
});

test('forged bridge messages are refused, a spoofed origin is recorded as the real one, and settings and the network stay the extension’s', async ({ collector, extension, sitePage, site }) => {
  const trap = await startCollector();
  const workerRequests = watchWorkerRequests(extension);
  try {
    const before = await settingsOf(extension);
    await sitePage.goto(`${site.url}/hostile/forge.html`);
    // No externally_connectable: a page cannot reach the extension's runtime at all.
    expect(await sitePage.evaluate(() => typeof (window as { chrome?: { runtime?: { sendMessage?: unknown } } }).chrome?.runtime?.sendMessage)).toBe('undefined');

    const posted = await sitePage.evaluate((trapUrl) => (window as unknown as HostilePage).__forge.junk(trapUrl), trap.url);
    const victim = 'https://victim.test/account';
    const spoofedId = await sitePage.evaluate((url) => (window as unknown as HostilePage).__forge.spoof(url), victim);
    await sitePage.evaluate(() => window.Trodo!.track('after_forgery'));
    await received(collector, 1, (e) => e.event.event_name === 'after_forgery');
    const [spoofed] = await received(collector, 1, (e) => e.event.event_id === spoofedId);

    // None of the malformed events got through, whatever they claimed to be.
    const refusedNames = ['object_detail', 'bad_id', 'bad_kind', '', 'x'.repeat(300), 'huge_event', 'too_many_in_one_message'];
    expect(collector.events().filter((e) => refusedNames.includes(e.event.event_name))).toEqual([]);
    // The page may describe itself as it likes in its own event data, but the extension
    // files the event under the origin and tab the browser says sent it.
    expect(spoofed!.event.page_data.current_url).toBe(victim);
    const popup = await extension.openPopup();
    await popup.getByTestId('search').fill('spoofed_origin');
    await expect(popup.getByTestId('event-list')).toHaveAttribute('data-count', '1');
    const [record] = await exportJson(popup);
    expect(record!.delivery.origin).toBe(site.url);
    expect(record!.delivery.tabId).not.toBe(1);

    expect(await settingsOf(extension)).toEqual(before);
    expect(trap.requests()).toEqual([]);
    expect(workerRequests.length).toBeGreaterThan(0);
    expect(workerRequests.filter((url) => !url.startsWith(`${collector.url}/`))).toEqual([]);
    console.log(`forgery: ${posted} malformed or privileged-looking messages posted, none acted on; the spoofed event filed under ${record!.delivery.origin}`);
  } finally {
    await trap.close();
  }
});

test('a flood from one site (50 000 track calls and 60 000 forged events) does not evict another site’s events, stall the worker or the popup, or reach any other host', async ({ collector, extension, site }) => {
  test.setTimeout(120_000);
  const bound = 2000;
  await extension.configure({ maxQueueEvents: bound, maxBackoffMs: 1000, autoEvents: false });
  const other = await startSiteServer(fileURLToPath(new URL('./site', import.meta.url)));
  const trap = await startCollector();
  const workerRequests = watchWorkerRequests(extension);
  const errors: Error[] = [];
  const bridgeNotes: string[] = [];
  try {
    const before = await settingsOf(extension);
    // The server is down while the flood arrives, so the queue has to hold (and bound) it all.
    collector.faults([{ status: 503, times: 1_000_000 }]);

    const bystander = await extension.context.newPage();
    bystander.on('pageerror', (error) => errors.push(error));
    await bystander.goto(`${other.url}/index.html`);
    await bystander.evaluate(() => {
      for (let i = 0; i < 100; i++) window.Trodo!.track('bystander_event', { seq: i });
    });
    const popup = await extension.openPopup();
    await expect(popup.getByTestId('count-queued')).toContainText(/\d/);
    await expect.poll(async () => Number(await popup.getByTestId('count-captured').locator('dd').textContent())).toBeGreaterThanOrEqual(100);

    const flooder = await extension.context.newPage();
    flooder.on('pageerror', (error) => errors.push(error));
    flooder.on('console', (message) => message.text().includes('rate limit') && bridgeNotes.push(message.text()));
    await flooder.goto(`${site.url}/hostile/forge.html`);
    const trackMs = await flooder.evaluate(() => {
      const started = performance.now();
      for (let i = 0; i < 50_000; i++) window.Trodo!.track('flood', { i });
      return performance.now() - started;
    });
    const forgeMs = await flooder.evaluate(() => (window as unknown as HostilePage).__forge.flood(60, 1000));

    // The queue settles at its bound, and what it dropped is the flooder's alone.
    await expect.poll(async () => Number(await popup.getByTestId('count-dropped').locator('dd').textContent()), { timeout: 60_000 }).toBeGreaterThan(0);
    await expect.poll(async () => Number(await popup.getByTestId('count-queued').locator('dd').textContent()), { timeout: 60_000 }).toBeLessThanOrEqual(bound);
    const dropped = Number(await popup.getByTestId('count-dropped').locator('dd').textContent());

    // The popup answers while the flood's history is in it.
    const popupStarted = Date.now();
    const fresh = await extension.openPopup();
    await fresh.getByTestId('search').fill('bystander_event');
    await expect(fresh.getByTestId('event-list')).toHaveAttribute('data-count', '100');
    const popupMs = Date.now() - popupStarted;
    await fresh.getByTestId('filter-status').selectOption('dropped');
    await expect(fresh.getByTestId('empty')).toBeVisible();
    await fresh.getByTestId('search').fill('');
    await expect.poll(async () => Number(await fresh.getByTestId('event-list').getAttribute('data-count'))).toBeGreaterThan(0);
    const droppedRecords = await exportJson(fresh);
    expect(droppedRecords.every((r) => r.delivery.origin === site.url && r.delivery.status === 'dropped')).toBe(true);

    // The server recovers: every bystander event arrives, once.
    const recovered = Date.now();
    collector.faults([]);
    await fresh.getByTestId('flush').click();
    const bystanderEvents = await received(collector, 100, (e) => e.event.event_name === 'bystander_event', 60_000);
    expect(new Set(bystanderEvents.map((e) => e.event.custom_properties.seq)).size).toBe(100);
    await expect.poll(async () => Number(await popup.getByTestId('count-queued').locator('dd').textContent()), { timeout: 60_000 }).toBe(0);
    const drainMs = Date.now() - recovered;
    const delivered = collector.events().filter((e) => e.event.event_name === 'flood' || e.event.event_name === 'forged_flood').length;

    // The worker still works for everyone, and nothing changed or went elsewhere.
    await bystander.evaluate(() => window.Trodo!.track('after_the_flood'));
    await received(collector, 1, (e) => e.event.event_name === 'after_the_flood');
    expect(await settingsOf(extension)).toEqual(before);
    expect(trap.requests()).toEqual([]);
    expect(workerRequests.filter((url) => !url.startsWith(`${collector.url}/`))).toEqual([]);
    expect(errors).toEqual([]);

    const refused = { messages: 0, events: 0 };
    for (const note of bridgeNotes) {
      const [, messages, events] = /refused (\d+) messages \((\d+) events\)/.exec(note) ?? [];
      refused.messages += Number(messages ?? 0);
      refused.events += Number(events ?? 0);
    }
    expect(refused.messages).toBeGreaterThan(0);
    console.log(
      `flood: 50 000 track() calls in ${trackMs.toFixed(0)} ms (${((trackMs * 1000) / 50_000).toFixed(1)} µs each) and 60 × 1000 forged events posted in ${forgeMs.toFixed(0)} ms; ` +
        `bridge rate limit refused ${refused.messages} messages (${refused.events} events), sent again by the page or dropped with the forger's; ` +
        `queue bound ${bound}: ${dropped} of the flooder's events dropped, 0 of the bystander's; 100/100 bystander events delivered; ` +
        `${delivered} flood events delivered; drained in ${drainMs} ms after the server recovered; popup listed the bystander's events ${popupMs} ms after opening; ` +
        `${workerRequests.length} worker requests, all to the collector`,
    );
  } finally {
    await trap.close();
    await other.close();
  }
});
