import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startCollector } from '../collector/server';
import { createTrodo } from '../node/index';
import { launchWithExtension, serviceWorker } from './browser';
import { CHROMIUM } from './browsers';
import { browserOrExit } from './system';
import { shopBackend } from './shop-backend';
import { startSiteServer } from './site-server';

/**
 * `npm run demo`: builds the extension pointed at the local collector, starts the collector
 * and a demo shop whose backend tracks with the Node SDK, and opens Chromium with the
 * extension loaded (finding or installing Chromium first). With a display you drive it
 * yourself; without one it clicks through the shop, prints what the collector received from
 * the browser and from the server, and saves a screenshot of the popup showing both.
 */
/** The slice of the extension API used inside `worker.evaluate` (it runs in the worker, not here). */
declare const chrome: { tabs: { query(q: { url: string }): Promise<{ id?: number }[]> } };

const COLLECTOR_PORT = Number(process.env.COLLECTOR_PORT ?? 4318);
const SITE_PORT = Number(process.env.DEMO_SITE_PORT ?? 4319);
const SITE_ID = process.env.WXT_TRODO_SITE_ID || 'demo-site';
const OUT = '.demo';

// Before the build, so that a machine without a browser learns it at once.
process.env.CHROMIUM_PATH = browserOrExit(CHROMIUM);
mkdirSync(OUT, { recursive: true });
const apiHost = `http://127.0.0.1:${COLLECTOR_PORT}`;
console.log(`Building the extension for ${apiHost} (site id ${SITE_ID})…`);
const build = spawnSync('npx', ['wxt', 'build'], { stdio: 'inherit', env: { ...process.env, WXT_TRODO_API_HOST: apiHost, WXT_TRODO_SITE_ID: SITE_ID } });
if (build.status !== 0) process.exit(build.status ?? 1);

const collector = await startCollector({ port: COLLECTOR_PORT, dataFile: `${OUT}/events.ndjson`, log: (line) => console.log(`[collector] ${line}`) });
const trodo = createTrodo({ siteId: SITE_ID, apiHost });
const site = await startSiteServer(fileURLToPath(new URL('./site', import.meta.url)), SITE_PORT, shopBackend(trodo));
const headed = Boolean(process.env.DISPLAY) && !process.env.CI;
const { context, extensionId } = await launchWithExtension({ headless: !headed });
const before = collector.events().length;

const shop = await context.newPage();
await shop.goto(site.url);
console.log(`\nDemo shop: ${site.url}   collector: ${collector.url}   popup: chrome-extension://${extensionId}/popup.html`);

if (headed) {
  console.log('Click around the shop and open the Trodo QA popup from the toolbar. Ctrl-C to stop.');
  await new Promise<void>((resolve) => process.once('SIGINT', resolve));
} else {
  console.log('No display: driving the shop headless.');
  for (const id of ['#signup', '#add-to-cart', '#add-to-cart', '#checkout']) await shop.click(id);
  const paid = () => collector.events().slice(before).some((e) => e.event.event_name === 'checkout_completed');
  const deadline = Date.now() + 20_000;
  while ((collector.events().length - before < 5 || !paid()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));

  const got = collector.events().slice(before);
  console.log(`\nThe collector received ${got.length} events, from the browser and from the shop's backend (in time order):`);
  const inTime = [...got].sort((a, b) => a.event.timestamp.localeCompare(b.event.timestamp) || a.event.event_id.localeCompare(b.event.event_id));
  console.table(inTime.map(({ event, sender }) => ({ from: sender === 'node-sdk' ? 'server (Node SDK)' : 'browser', event: event.event_name, category: event.event_category, properties: JSON.stringify(event.custom_properties), session: event.session_id.slice(0, 8) })));

  // The popup as the toolbar opens it for the shop's tab ("this tab": the page's events and its backend's).
  const tabId = await (await serviceWorker(context)).evaluate(async (url) => (await chrome.tabs.query({ url }))[0]!.id!, shop.url());
  const popup = await context.newPage();
  await popup.setViewportSize({ width: 780, height: 580 }); // the popup's own size (viewer.css)
  await popup.goto(`chrome-extension://${extensionId}/popup.html?tab=${tabId}`);
  await popup.getByTestId('server-badge').first().waitFor({ timeout: 10_000 });
  await popup.screenshot({ path: `${OUT}/popup.png` });
  console.log(`Popup screenshot: ${OUT}/popup.png`);
  if (got.length < 5 || !paid()) process.exitCode = 1;
}
await trodo.shutdown({ timeoutMs: 2000 });
await context.close();
await Promise.all([collector.close(), site.close()]);
