import { expect, test } from '@playwright/test';
import { fileURLToPath } from 'node:url';
import { startCollector, type Collector } from '../../lib/collector/server';
import { launchFirefoxWithExtension, type FirefoxWithExtension } from '../../lib/demo/firefox';
import { startSiteServer } from '../../lib/demo/site-server';

/** The extension API inside the extension's own pages (evaluate runs there, not here). */
declare const browser: {
  storage: { local: { get(key: string): Promise<Record<string, unknown>>; set(items: Record<string, unknown>): Promise<void> } };
  permissions: { contains(p: { origins: string[] }): Promise<boolean>; remove(p: { origins: string[] }): Promise<boolean> };
};

// One browser for both tests, and the second reads the first one's events: in order.
test.describe.configure({ mode: 'serial' });

let firefox: FirefoxWithExtension;
let collector: Collector;
let site: { url: string; close(): Promise<void> };

test.beforeAll(async () => {
  [collector, site, firefox] = await Promise.all([
    startCollector(),
    startSiteServer(fileURLToPath(new URL('../e2e/site', import.meta.url))),
    launchFirefoxWithExtension(),
  ]);
});
test.afterAll(async () => {
  await firefox?.browser.close();
  await Promise.all([collector?.close(), site?.close()]);
});

test('in Firefox: Trodo before the first script, track() reaches the collector from the background, the popup shows it', async () => {
  // Settings as the options page writes them, from an extension page.
  const options = await firefox.openExtensionPage('options.html');
  const granted = await options.evaluate(
    async (host) => {
      const { settings } = await browser.storage.local.get('settings');
      await browser.storage.local.set({ settings: { ...(settings as object), apiHost: host, siteId: 'firefox-site', flushIntervalMs: 100 } });
      return browser.permissions.contains({ origins: [`${host}/*`, 'http://127.0.0.1/*'] });
    },
    collector.url,
  );
  // A temporary add-on gets its host permissions at install; a user's install may not
  // (the README says how the extension asks then).
  expect(granted, 'host permission for the collector').toBe(true);
  await options.close();

  const page = await firefox.browser.newPage();
  await page.goto(`${site.url}/strict.csp.html`);
  expect(await page.evaluate(() => (window as unknown as { __trodoAtFirstScript: string }).__trodoAtFirstScript)).toBe('object');
  await page.evaluate(() => window.Trodo!.track('firefox_smoke', { ok: 1 }));

  await expect.poll(() => collector.events().find((e) => e.event.event_name === 'firefox_smoke')?.event.custom_properties).toEqual({ ok: 1 });
  // Only the background posts bulk batches; the page and the bridge never reach the network.
  const batch = collector.requests().find((r) => r.path === '/api/events/bulk' && JSON.stringify(r.body).includes('firefox_smoke'));
  expect(batch?.siteId).toBe('firefox-site');

  const popup = await firefox.openExtensionPage('popup.html');
  const rowOf = (name: string) =>
    popup.evaluate((n) => {
      const row = [...document.querySelectorAll('[data-testid="event-row"]')].find((r) => r.textContent?.includes(n));
      return row ? { name: n, status: row.querySelector('[data-testid="event-status"]')?.textContent } : null;
    }, name);
  await expect.poll(() => rowOf('firefox_smoke')).toEqual({ name: 'firefox_smoke', status: 'sent · HTTP 200' });
});

test('in Firefox: with site access withheld the popup says so, and its Allow button brings the tracker back', async () => {
  // What a user does in about:addons → Permissions: revoke "all websites" and loopback.
  const options = await firefox.openExtensionPage('options.html');
  expect(await options.evaluate(() => browser.permissions.remove({ origins: ['<all_urls>', 'http://127.0.0.1/*', 'http://localhost/*'] }))).toBe(true);
  await options.close();

  const page = await firefox.browser.newPage();
  await page.goto(`${site.url}/index.html`);
  expect(await page.evaluate(() => (window as unknown as { __trodoAtFirstScript: string }).__trodoAtFirstScript)).toBe('undefined');

  const popup = await firefox.openExtensionPage('popup.html');
  const banner = await popup.waitForSelector('[data-testid="access"]');
  expect(await banner!.evaluate((el) => el.textContent)).toContain('the tracker does not run on 127.0.0.1');
  await popup.click('[data-testid="allow-access"]');
  await popup.waitForSelector('[data-testid="access"]', { hidden: true });

  await page.reload();
  expect(await page.evaluate(() => (window as unknown as { __trodoAtFirstScript: string }).__trodoAtFirstScript)).toBe('object');
  await page.evaluate(() => window.Trodo!.track('firefox_after_allow', { ok: 2 }));
  await expect.poll(() => collector.events().find((e) => e.event.event_name === 'firefox_after_allow')?.event.custom_properties).toEqual({ ok: 2 });
});
