/**
 * Pages that ship Trodo's own SDK (trodo@2.0.0), as its UMD script and as an app bundle that
 * imports the npm package. The official SDK runs as in a person's browser (automation flags
 * neutralised for that page only) and Trodo's hosts are answered here, so any request it
 * made would be seen: in stand-in mode it must make none, and every call the page makes,
 * through window.Trodo or the SDK's own export object, must reach the collector once.
 */
import type { BrowserContext, Page } from '@playwright/test';
import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Collector } from '../../lib/collector/server';
import { expect, received, test, type Extension } from './fixtures';

const OFFICIAL_HOSTS = /^https:\/\/(sdkapi\.trodo\.ai|ipinfo\.io)\//;
const PERSON_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36';

/** The app bundle: npm-entry.js with `trodo` from node_modules, as a site's build would make it. */
async function npmBundle(): Promise<string> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL('./site/official-sdk/npm-entry.js', import.meta.url))],
    bundle: true,
    format: 'esm',
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

/**
 * Answers Trodo's hosts locally and lists every request made to them. The official SDK
 * turns itself off under automation (navigator.webdriver, "Headless" in the user agent):
 * this page, and only this page, looks like a person's browser.
 */
async function officialPage(context: BrowserContext, statuses: number[] = []): Promise<{ page: Page; official: string[]; bodies: { path: string; body: string }[] }> {
  const official: string[] = [];
  const bodies: { path: string; body: string }[] = [];
  const cors = { 'access-control-allow-origin': '*', 'access-control-allow-headers': '*', 'access-control-allow-methods': 'GET, POST, OPTIONS' };
  await context.route(OFFICIAL_HOSTS, (route) => {
    const request = route.request();
    if (request.method() === 'OPTIONS') return route.fulfill({ status: 204, headers: cors });
    official.push(`${request.method()} ${request.url()}`);
    bodies.push({ path: new URL(request.url()).pathname, body: request.postData() ?? '' });
    // Trodo's answers in turn, from `statuses`, then 200.
    const status = request.url().startsWith('https://sdkapi.trodo.ai/') ? (statuses.shift() ?? 200) : 200;
    return route.fulfill({ status, headers: cors, contentType: 'application/json', body: status === 200 ? '{"success":true}' : '{"error":"test"}' });
  });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setUserAgentOverride', { userAgent: PERSON_UA });
  await page.addInitScript(() => Object.defineProperty(Navigator.prototype, 'webdriver', { get: () => false }));
  const umd = await readFile('node_modules/trodo/lib/umd/index.js', 'utf8');
  const bundle = await npmBundle();
  await page.route('**/trodo-umd.js', (route) => route.fulfill({ contentType: 'text/javascript', body: umd }));
  await page.route('**/official-npm.bundle.js', (route) => route.fulfill({ contentType: 'text/javascript', body: bundle }));
  return { page, official, bodies };
}

/** Each named event reached the collector exactly once. */
async function arrivedOnce(collector: Collector, names: string[]) {
  const named = (await received(collector, names.length, (e) => names.includes(e.event.event_name))).map((e) => e.event.event_name);
  await expect.poll(() => collector.events().filter((e) => names.includes(e.event.event_name)).map((e) => e.event.event_name).sort()).toEqual([...names].sort());
  return named;
}

async function viewerFor(extension: Extension, page: Page) {
  const viewer = await extension.openPopup(page);
  await expect(viewer.getByTestId('page-sdk-name')).toHaveText('trodo 2.0.0');
  await expect(viewer.getByTestId('page-sdk-mode')).toContainText('stand-in');
  return viewer;
}

test.describe('stand-in (default)', () => {
  test('trodo@2.0.0 UMD script: the SDK does not start, every call through window.Trodo and TrodoSDK arrives once, the viewer names it', async ({ collector, extension, site }) => {
    const { page, official } = await officialPage(extension.context);
    const errors: Error[] = [];
    page.on('pageerror', (error) => errors.push(error));
    await page.goto(`${site.url}/official-sdk/umd.html`);
    // The script ran (its export is there) and stood aside: window.Trodo is still the extension's accessor.
    expect(await page.evaluate(() => [typeof (window as unknown as { TrodoSDK: unknown }).TrodoSDK, typeof Object.getOwnPropertyDescriptor(window, 'Trodo')?.get])).toEqual(['object', 'function']);
    await page.evaluate(async () => {
      const sdk = (window as unknown as { TrodoSDK: any }).TrodoSDK;
      await sdk.init({ siteId: 'umd-init-site' });
      await sdk.identify('umd-user');
      await sdk.people.set({ plan: 'pro' });
      await sdk.set_group('company', 'acme');
      await sdk.get_group('company', 'acme').set({ tier: 'gold' });
      window.Trodo!.track('umd_after_load');
    });
    await arrivedOnce(collector, ['umd_before_script', 'umd_after_script', 'umd_via_export', 'umd_after_load']);
    await expect.poll(() => collector.calls().map((c) => c.path).filter((p) => /identify|people|groups/.test(p))).toEqual([
      '/api/sdk/identify', '/api/sdk/people/set', '/api/sdk/groups/set_group', '/api/sdk/groups/profile/set',
    ]);
    // Every event went out under the extension's site id, in one session of ours.
    expect(new Set(collector.events().map((e) => e.siteId))).toEqual(new Set(['e2e-site']));
    expect(new Set(collector.events().map((e) => e.event.session_id)).size).toBe(1);

    const viewer = await viewerFor(extension, page);
    // The script tag's site-id wins over init({ siteId }), as in the official SDK.
    await expect(viewer.getByTestId('page-sdk-site')).toContainText('umd-site');
    await expect(viewer.getByTestId('page-sdk-site')).toContainText('e2e-site');
    expect(official, 'requests of the official SDK').toEqual([]);
    expect(errors).toEqual([]);
  });

  test('trodo@2.0.0 npm package in an app bundle: init({ siteId }) and the export reach the tracker once; with no site id of its own the viewer offers the page\'s', async ({ collector, extension, site }) => {
    await extension.configure({ siteId: '' });
    const { page, official } = await officialPage(extension.context);
    const errors: Error[] = [];
    page.on('pageerror', (error) => errors.push(error));
    await page.goto(`${site.url}/official-sdk/npm.html`);
    await page.waitForFunction(() => 'npmTrodo' in window);
    await page.evaluate(async () => {
      const sdk = (window as unknown as { npmTrodo: any }).npmTrodo;
      await sdk.identify('npm-user');
      await sdk.people.set({ plan: 'team' });
      await sdk.add_group('team', 'eng');
      sdk.track('npm_later');
    });

    const viewer = await viewerFor(extension, page);
    const siteLine = viewer.getByTestId('page-sdk-site');
    await expect(siteLine).toContainText('npm-site');
    await expect(siteLine).toContainText('the extension has none');
    // Nothing is sent without a site id; choosing the page's sends everything under it.
    await viewer.getByTestId('use-page-site').click();
    await expect(siteLine).toContainText('events are sent with the extension’s npm-site');
    await arrivedOnce(collector, ['npm_before_bundle', 'npm_during_load', 'npm_after_init', 'npm_later']);
    await expect.poll(() => collector.calls().map((c) => c.path).filter((p) => /identify|people|groups/.test(p))).toEqual([
      '/api/sdk/identify', '/api/sdk/people/set', '/api/sdk/groups/add_group',
    ]);
    expect(new Set(collector.events().map((e) => e.siteId))).toEqual(new Set(['npm-site']));
    // init({ autoEvents: true }) went to our tracker: its page view is there, once.
    expect(collector.events().filter((e) => e.event.event_name === 'page_view')).toHaveLength(1);
    expect(official, 'requests of the official SDK').toEqual([]);
    expect(errors).toEqual([]);
  });
});

test.describe('observe (per site)', () => {
  test('the official SDK runs as shipped on an observed site; the viewer lists its requests to Trodo decoded, with status (one answered 500) and timing', async ({ collector, extension, site }) => {
    await extension.configure({ observeSites: [site.url] });
    // A tracking plan in force: what the page's own SDK sends is checked as the extension's own events are.
    const options = await extension.context.newPage();
    await options.goto(`chrome-extension://${extension.id}/options.html`);
    const plan = { name: 'Observed', version: '1', allowUnplanned: true, events: { observed_signup: { properties: { plan: { enum: ['basic', 'team'] } } } } };
    await options.getByTestId('plan-text').fill(JSON.stringify(plan));
    await options.getByTestId('plan-load-text').click();
    await expect(options.getByTestId('plan-current')).toContainText('Observed v1');
    await options.close();
    // The switch registers the observe script at run time; wait until it is there.
    await expect
      .poll(async () => (await extension.worker()).evaluate(async () => (await (globalThis as any).chrome.scripting.getRegisteredContentScripts()).map((s: { id: string }) => s.id)))
      .toEqual(['trodo-observe']);
    const { page, official, bodies } = await officialPage(extension.context, [500]);
    const errors: Error[] = [];
    page.on('pageerror', (error) => errors.push(error));
    await page.goto(`${site.url}/official-sdk/observe.html`);
    // window.Trodo is the official SDK's own now, and it started.
    await page.waitForFunction(() => typeof Object.getOwnPropertyDescriptor(window, 'Trodo')?.get !== 'function' && (window as any).Trodo?.initialized === true);
    await page.evaluate(() => {
      (window as any).Trodo.track('observed_signup', { plan: 'pro' });
      (window as any).Trodo.track('Clicked');
    });
    await expect.poll(() => official.filter((r) => r.startsWith('POST https://sdkapi.trodo.ai/')).length, { timeout: 20_000 }).toBeGreaterThanOrEqual(2);

    const viewer = await extension.openPopup(page);
    await expect(viewer.getByTestId('page-sdk-name')).toHaveText('trodo 2.0.0');
    await expect(viewer.getByTestId('page-sdk-mode')).toContainText('observe');
    await expect(viewer.getByTestId('observe-toggle').locator('input')).toBeChecked();
    await expect(viewer.getByTestId('page-sdk-site')).toContainText('its own site id observed-site');
    const rows = viewer.getByTestId('observed-request');
    await expect.poll(async () => (await rows.allTextContents()).join('\n'), { timeout: 20_000 }).toContain('event observed_signup');
    await expect.poll(async () => (await rows.allTextContents()).join('\n')).toContain('event Clicked');
    // The same lint as the extension's own events get.
    await expect(viewer.getByTestId('observed-lint').filter({ hasText: '"Clicked" is too generic' })).toHaveCount(1);
    // And the same tracking-plan check: "pro" is not one of the plan's values.
    await expect(viewer.getByTestId('observed-violation')).toHaveCount(1);
    await expect(viewer.getByTestId('observed-violation')).toContainText('observed_signup');
    await expect(viewer.getByTestId('observed-violation')).toContainText('"pro"');
    const texts = await rows.allTextContents();
    console.log(`observed: ${texts.length} requests\n${texts.join('\n')}`);
    // What the official SDK sent, for comparing with what the extension sends (README, "Differences from the official SDK").
    if (process.env.OFFICIAL_BODIES) console.log(JSON.stringify(bodies, null, 1));
    expect(texts.filter((t) => / → 500 in \d+ ms/.test(t))).toHaveLength(1);
    expect(texts.some((t) => / → 200 in \d+ ms/.test(t))).toBe(true);
    // The extension captured nothing of its own there.
    expect(collector.events().filter((e) => e.event.event_name === 'observed_signup')).toEqual([]);
    expect(errors).toEqual([]);
  });
});
