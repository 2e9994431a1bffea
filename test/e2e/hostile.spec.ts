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
    silence(startedType: string): string[];
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

test('a page whose first script makes push and pop throw, Promise.prototype.then never call back and postMessage swallow messages still gets every event delivered, intact', async ({ collector, extension, sitePage, site }) => {
  void extension;
  const errors: Error[] = [];
  sitePage.on('pageerror', (error) => errors.push(error));
  await sitePage.goto(`${site.url}/hostile/builtins.html`);
  await expect(sitePage.locator('#results')).toHaveText(['track: ok', 'track with notes: ok', 'later track: ok'].join('\n'));
  const events = await received(collector, 3, (e) => ['x', 'builtins_notes', 'builtins_later'].includes(e.event.event_name));
  const byName = Object.fromEntries(events.map((e) => [e.event.event_name, e.event]));
  expect(byName.x!.custom_properties).toEqual({ ok: 1, nested: { list: [1, 2] } });
  // The sanitiser's notes (which it adds to an array) were made, not thrown.
  expect(byName.builtins_notes!.custom_properties).toEqual({ when: '1970-01-01T00:00:00.000Z' });
  expect(byName.builtins_notes!.event_category).toBe('custom');
  expect(byName.builtins_later!.custom_properties).toEqual({ ok: 2 });
  // The page's outbox was written and emptied again on acknowledgement: nothing is left for a replay.
  await expect.poll(() => sitePage.evaluate(() => new Promise<number>((resolve) => {
    const open = indexedDB.open('trodo');
    open.onsuccess = () => {
      const count = open.result.transaction('outbox').objectStore('outbox').count();
      count.onsuccess = () => resolve(count.result);
    };
  }))).toBe(0);
  expect(errors).toEqual([]);
});

test('no page script can reach or silence the tracker ⇄ bridge channel: forged and replayed messages, forged offers and WXT’s invalidation event change nothing', async ({ collector, extension, sitePage, site }) => {
  const trap = await startCollector();
  const workerRequests = watchWorkerRequests(extension);
  const errors: Error[] = [];
  sitePage.on('pageerror', (error) => errors.push(error));
  try {
    const before = await settingsOf(extension);
    await sitePage.goto(`${site.url}/hostile/forge.html`);
    // No externally_connectable: a page cannot reach the extension's runtime at all.
    expect(await sitePage.evaluate(() => typeof (window as { chrome?: { runtime?: { sendMessage?: unknown } } }).chrome?.runtime?.sendMessage)).toBe('undefined');

    const posted = await sitePage.evaluate((trapUrl) => (window as unknown as HostilePage).__forge.junk(trapUrl), trap.url);
    const spoofedId = await sitePage.evaluate((url) => (window as unknown as HostilePage).__forge.spoof(url), 'https://victim.test/account');
    const startedType = `${extension.id}:bridge:wxt:content-script-started`;
    const silencing = await sitePage.evaluate((type) => (window as unknown as HostilePage).__forge.silence(type), startedType);
    // The forgeries were really made: WXT's start message was seen and turned against the
    // bridge, and the page's own channel offer found no one to take it.
    expect(silencing).toContain('old-channel ready');
    expect(silencing).toContain('invalidate bridge');
    expect(silencing).toContain('replay');
    expect(silencing).toContain('offer ignored');

    // Capture is still on, on this very page: a call afterwards reaches the collector, then a
    // marker from later still, so that what must be absent has had its chance to arrive.
    await sitePage.evaluate(() => window.Trodo!.track('after_forgery', { step: 1 }));
    await received(collector, 1, (e) => e.event.event_name === 'after_forgery');
    await sitePage.evaluate(() => window.Trodo!.track('after_forgery_marker'));
    await received(collector, 1, (e) => e.event.event_name === 'after_forgery_marker');

    // Nothing posted on window got through, whatever it claimed to be.
    const forgedNames = ['object_detail', 'bad_id', 'bad_kind', '', 'x'.repeat(300), 'huge_event', 'too_many_in_one_message', 'spoofed_origin', 'forged_offer'];
    expect(collector.events().filter((e) => forgedNames.includes(e.event.event_name) || e.event.event_id === spoofedId)).toEqual([]);
    // The extension files the page's events under the origin and tab the browser says sent them.
    const popup = await extension.openPopup();
    await popup.getByTestId('search').fill('after_forgery_marker');
    await expect(popup.getByTestId('event-list')).toHaveAttribute('data-count', '1');
    const [record] = await exportJson(popup);
    expect(record!.delivery.origin).toBe(site.url);
    expect(errors).toEqual([]);

    expect(await settingsOf(extension)).toEqual(before);
    expect(trap.requests()).toEqual([]);
    expect(workerRequests.length).toBeGreaterThan(0);
    expect(workerRequests.filter((url) => !url.startsWith(`${collector.url}/`))).toEqual([]);
    console.log(`forgery: ${posted} malformed or privileged-looking messages posted on window and ${silencing.length} channel forgeries or replays (${silencing.join(', ')}); none acted on`);
  } finally {
    await trap.close();
  }
});

test('a flood from one site (50 000 track calls, and 60 000 forged events that never reach the channel) does not evict another site’s events, stall the worker or the popup, or reach any other host', async ({ collector, extension, site }) => {
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
    const delivered = collector.events().filter((e) => e.event.event_name === 'flood').length;
    // The forged events never reached the extension: they are not on the channel at all.
    expect(collector.events().filter((e) => e.event.event_name === 'forged_flood')).toEqual([]);
    expect(delivered).toBeGreaterThan(0);

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
    console.log(
      `flood: 50 000 track() calls in ${trackMs.toFixed(0)} ms (${((trackMs * 1000) / 50_000).toFixed(1)} µs each) and 60 × 1000 forged events posted in ${forgeMs.toFixed(0)} ms; ` +
        `bridge rate limit refused ${refused.messages} messages (${refused.events} events), sent again by the page; forged events delivered: 0; ` +
        `queue bound ${bound}: ${dropped} of the flooder's events dropped, 0 of the bystander's; 100/100 bystander events delivered; ` +
        `${delivered} flood events delivered; drained in ${drainMs} ms after the server recovered; popup listed the bystander's events ${popupMs} ms after opening; ` +
        `${workerRequests.length} worker requests, all to the collector`,
    );
  } finally {
    await trap.close();
    await other.close();
  }
});
