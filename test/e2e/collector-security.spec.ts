import { chromium } from '@playwright/test';
import { findChromium } from '../../lib/demo/browser';
import { expect, received, test, withTimeout } from './fixtures';

/**
 * The collector holds QA data and can be told to fail; every page open in the QA engineer's
 * browser can send it requests. Here a page on another 127.0.0.1 origin (the fixture site)
 * tries, from real Chromium, what any local dev server's page could try.
 */
test('a page on another 127.0.0.1 origin can neither read the collector nor reset or fault it, and the extension still delivers', async ({ collector, extension, sitePage, site }) => {
  await sitePage.goto(`${site.url}/index.html`);
  await sitePage.evaluate(() => window.Trodo!.track('before_the_attack', { email: 'qa@example.test' }));
  await received(collector, 1, (e) => e.event.event_name === 'before_the_attack');
  const held = collector.events().map((e) => e.event.event_id);

  const attempts = await sitePage.evaluate(async (base) => {
    const outcome = async (request: Promise<Response>) => {
      try {
        const response = await request;
        return `answered ${response.status}: ${await response.text()}`;
      } catch (error) {
        return `failed: ${(error as Error).name}`;
      }
    };
    const localhost = base.replace('127.0.0.1', 'localhost');
    return {
      read: await outcome(fetch(`${base}/__collector/events`)),
      readViaLocalhost: await outcome(fetch(`${localhost}/__collector/events`)),
      readRequests: await outcome(fetch(`${base}/__collector/requests`)),
      // A JSON POST is preflighted; the refused preflight stops it.
      reset: await outcome(fetch(`${base}/__collector/reset`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' })),
      // A no-cors POST needs no preflight: the page never sees the answer, but it reaches the server.
      resetBlind: await outcome(fetch(`${base}/__collector/reset`, { method: 'POST', mode: 'no-cors' })),
      faultBlind: await outcome(fetch(`${base}/__collector/faults`, { method: 'POST', mode: 'no-cors', body: JSON.stringify({ faults: [{ status: 503, times: 1000 }], failRate: 1 }) })),
    };
  }, collector.url);
  // A form posted into a frame: a navigation, not a fetch.
  await sitePage.evaluate((action) => {
    const frame = Object.assign(document.createElement('iframe'), { name: 'sink' });
    const form = Object.assign(document.createElement('form'), { method: 'POST', action, target: 'sink' });
    document.body.append(frame, form);
    return new Promise((resolve) => {
      frame.addEventListener('load', resolve, { once: true });
      form.submit();
    });
  }, `${collector.url}/__collector/reset`);

  expect(attempts).toEqual({
    read: 'failed: TypeError',
    readViaLocalhost: 'failed: TypeError',
    readRequests: 'failed: TypeError',
    reset: 'failed: TypeError',
    resetBlind: 'answered 0: ',
    faultBlind: 'answered 0: ',
  });
  // The server refused each one (CORS alone would have let the resets and the fault through).
  expect(collector.summary().refused).toBe(7);
  // Nothing was wiped (auto-events of the page may have arrived since).
  expect(collector.events().map((e) => e.event.event_id).slice(0, held.length)).toEqual(held);

  // The page may still post its own events (write-only), and read no more than their outcome.
  const ownPost = await sitePage.evaluate(async (base) => {
    const response = await fetch(`${base}/api/events/bulk`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Trodo-Site-Id': 'page-itself' },
      body: JSON.stringify({ events: [{ event_id: 'page-posted-1', event_type: 'custom', event_name: 'posted_by_the_page', event_category: 'custom', session_id: 's', user_id: 'u', custom_properties: {}, auto_event_data: {}, page_data: {}, element_data: {}, timestamp: new Date().toISOString() }] }),
    });
    return { status: response.status, body: await response.json() };
  }, collector.url);
  expect(ownPost).toEqual({ status: 200, body: { success: true, accepted: 1, duplicates: 0 } });

  // The extension reads the collector with its own origin, and still delivers: no fault was planted.
  const fromWorker = await withTimeout(
    (await extension.worker()).evaluate(async (base) => {
      const response = await fetch(`${base}/__collector/summary`);
      return { status: response.status, events: ((await response.json()) as { events: number }).events };
    }, collector.url),
  );
  expect(fromWorker.status).toBe(200);
  expect(fromWorker.events).toBeGreaterThanOrEqual(held.length + 1);
  await sitePage.evaluate(() => window.Trodo!.track('after_the_attack'));
  await received(collector, 1, (e) => e.event.event_name === 'after_the_attack');
  expect(collector.requests().filter((r) => r.fault)).toEqual([]);
  expect(collector.events().map((e) => e.event.event_name)).toEqual(expect.arrayContaining(['before_the_attack', 'posted_by_the_page', 'after_the_attack']));
});

test('after DNS rebinding (a foreign name resolving to 127.0.0.1) a page reads nothing: the Host is refused', async ({ collector }) => {
  const browser = await chromium.launch({ executablePath: findChromium(), headless: true, args: ['--no-sandbox', '--disable-gpu', '--host-resolver-rules=MAP rebind.test 127.0.0.1'] });
  try {
    const page = await browser.newPage();
    // The attacker's page, now served from the collector's address under the attacker's name:
    // its requests to the collector are same-origin, so no CORS rule stands in the way.
    const navigation = await page.goto(`http://rebind.test:${collector.port}/`);
    expect(navigation?.status()).toBe(421);
    const read = await page.evaluate(async () => {
      const response = await fetch('/__collector/events');
      return { status: response.status, text: await response.text() };
    });
    expect(read.status).toBe(421);
    expect(read.text).not.toContain('event_id');
    const reset = await page.evaluate(async () => (await fetch('/__collector/reset', { method: 'POST' })).status);
    expect(reset).toBe(421);
    expect(collector.summary().refused).toBeGreaterThanOrEqual(3); // and any favicon request
  } finally {
    await browser.close();
  }
});
