import { test as base, expect, type BrowserContext, type CDPSession, type Page, type Worker } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { startCollector, type Collector, type ReceivedEvent } from '../../lib/collector/server';
import { launchWithExtension, serviceWorker } from '../../lib/demo/browser';
import { startSiteServer } from '../../lib/demo/site-server';
import type { Settings } from '../../lib/settings';
import { configureExtension, withTimeout } from '../../lib/testing/extension-settings';
import type { exportRecord } from '../../lib/viewer/export';
import { PATHS, type WireEvent } from '../../lib/wire/events';

/** The slice of the extension API used inside `worker.evaluate` (it runs in the worker, not here). */
declare const chrome: {
  storage: { local: { get(key: string): Promise<Record<string, unknown>>; set(items: Record<string, unknown>): Promise<void> } };
  tabs: { query(q: { url: string }): Promise<{ id: number }[]> };
};

export interface Extension {
  context: BrowserContext;
  id: string;
  /** The service worker as it is now (it changes after a stop). */
  worker(): Promise<Worker>;
  /** Writes settings to storage.local, as the options page does. */
  configure(change: Partial<Settings>): Promise<void>;
  /** The settings as stored in storage.local (what the options page saved). */
  storedSettings(): Promise<Record<string, unknown>>;
  /**
   * Stops the service worker the way Chrome does when it is idle, and fails unless Chromium
   * reports it stopped (so a spec cannot pass as a plain delivery test if the stop did nothing).
   */
  stopWorker(): Promise<void>;
  /** Stops and starts of the worker seen since the first `stopWorker()`, as Chromium reports them. */
  workerLife(): { stops: number; starts: number };
  /** Reloads the extension as the Reload button on chrome://extensions does (as an update does: a new worker, new content scripts for new pages). */
  reload(): Promise<void>;
  /** The popup's page, opened in a tab; `forTab` pins it to a page's tab as the toolbar popup would be. */
  openPopup(forTab?: Page): Promise<Page>;
  /** The side panel's page, opened in a tab (headless Chromium shows no side panel). */
  openSidePanel(forTab?: Page): Promise<Page>;
}

interface Fixtures {
  collector: Collector;
  extension: Extension;
  /** A page on the fixture site that fails the test on any page error. */
  sitePage: Page;
}

/**
 * A name for the fixture site that is not a secure context (127.0.0.1 and localhost are), as a
 * plain-http staging site is not: `http://${PLAIN_HTTP_HOST}:<site port>/` reaches it.
 */
export const PLAIN_HTTP_HOST = 'shop.plain-http.test';

export const test = base.extend<Fixtures, { site: { url: string } }>({
  site: [
    async ({}, use) => {
      const site = await startSiteServer(fileURLToPath(new URL('./site', import.meta.url)));
      await use(site);
      await site.close();
    },
    { scope: 'worker' },
  ],

  collector: async ({}, use) => {
    const collector = await startCollector();
    await use(collector);
    await collector.close();
  },

  extension: async ({ collector }, use) => {
    const { context, extensionId } = await launchWithExtension({ args: [`--host-resolver-rules=MAP ${PLAIN_HTTP_HOST} 127.0.0.1`] });
    const extension = extensionOf(context, extensionId);
    await extension.configure({ apiHost: collector.url, siteId: 'e2e-site', flushIntervalMs: 100, batchSize: 50 });
    await use(extension);
    await context.close();
  },

  sitePage: async ({ extension }, use) => {
    const page = await extension.context.newPage();
    const errors: Error[] = [];
    page.on('pageerror', (error) => errors.push(error));
    await use(page);
    expect(errors, 'page errors').toEqual([]);
  },
});

export { expect };

/** Test helpers over a browser context with the extension loaded. */
export function extensionOf(context: BrowserContext, extensionId: string): Extension {
  let cdp: CDPSession | null = null;
  // The worker's running status as ServiceWorker.workerVersionUpdated reports it (Playwright
  // sends no `close` for a stopped service worker), and the transitions counted.
  let status = 'unknown';
  const life = { stops: 0, starts: 0 };
  const script = `chrome-extension://${extensionId}/`;
  const extension: Extension = {
    context,
    id: extensionId,
    worker: () => serviceWorker(context),
    storedSettings: async () =>
      withTimeout((await extension.worker()).evaluate(async () => ((await chrome.storage.local.get('settings')).settings ?? {}) as Record<string, unknown>)),
    configure: (change) => configureExtension(extension.worker, change),
    async stopWorker() {
      if (!cdp) {
        // ServiceWorker.stopAllWorkers is scoped to the target's browser context; an
        // extension page keeps no port to the worker, so nothing restarts it by itself.
        const page = await context.newPage();
        await page.goto(`chrome-extension://${extensionId}/manifest.json`);
        cdp = await context.newCDPSession(page);
        cdp.on('ServiceWorker.workerVersionUpdated', ({ versions }) => {
          for (const version of versions) {
            if (!version.scriptURL.startsWith(script) || version.runningStatus === status) continue;
            if (version.runningStatus === 'stopped') life.stops++;
            if (version.runningStatus === 'running') life.starts++;
            status = version.runningStatus;
          }
        });
        await cdp.send('ServiceWorker.enable');
        await expect.poll(() => status, { message: 'the worker is reported at all' }).not.toBe('unknown');
      }
      // The specs stop a worker that their pages keep busy: wait for it to be up again.
      await expect.poll(() => status, { message: 'the worker is running before it is stopped' }).toBe('running');
      const stops = life.stops;
      await cdp.send('ServiceWorker.stopAllWorkers');
      await expect.poll(() => life.stops, { message: 'the worker stopped', timeout: 5000 }).toBe(stops + 1);
    },
    workerLife: () => ({ ...life }),
    async reload() {
      // runtime.reload() unloads a command-line-loaded extension for good in this Chromium.
      const extensionsPage = await context.newPage();
      await extensionsPage.goto('chrome://extensions');
      const reloaded = await extensionsPage.evaluate(
        (id) =>
          new Promise<string>((resolve) => {
            const dev = (globalThis as unknown as { chrome: { developerPrivate: { reload(id: string, o: object, done: () => void): void; updateProfileConfiguration(c: object, done: () => void): void }; runtime: { lastError?: { message?: string } } } }).chrome;
            // Without developer mode, Chromium disables a reloaded unpacked extension
            // ("unsupportedDeveloperExtension").
            dev.developerPrivate.updateProfileConfiguration({ inDeveloperMode: true }, () =>
              dev.developerPrivate.reload(id, { failQuietly: true }, () => resolve(dev.runtime.lastError?.message ?? 'ok')),
            );
          }),
        extensionId,
      );
      expect(reloaded).toBe('ok');
      await extensionsPage.close();
    },
    openPopup: (forTab) => openViewer('popup', { width: 780, height: 580 }, forTab),
    openSidePanel: (forTab) => openViewer('sidepanel', { width: 420, height: 800 }, forTab),
  };

  async function openViewer(name: string, size: { width: number; height: number }, forTab?: Page) {
    const query = forTab ? `?tab=${await tabIdOf(forTab)}` : '';
    const viewer = await context.newPage();
    await viewer.setViewportSize(size);
    await viewer.goto(`chrome-extension://${extensionId}/${name}.html${query}`);
    return viewer;
  }
  /** A page's tab id, asked of the extension (pages cannot know their own). */
  async function tabIdOf(page: Page): Promise<number> {
    const tabs = await withTimeout((await extension.worker()).evaluate((u) => chrome.tabs.query({ url: u }), page.url()));
    return tabs[0]!.id;
  }
  return extension;
}

export { withTimeout };

/** Waits until the collector holds events matching `where`, at least `count` of them. */
export async function received(collector: Collector, count: number, where: (e: ReceivedEvent) => boolean = () => true, timeoutMs = 30_000) {
  let matching: ReceivedEvent[] = [];
  await expect
    .poll(() => (matching = collector.events().filter(where)).length, { timeout: timeoutMs, intervals: [100, 200, 500] })
    .toBeGreaterThanOrEqual(count);
  return matching;
}

/** One record of the viewer's JSON export (lib/viewer/export.ts), as a test reads it back. */
export type ExportedRecord = Omit<ReturnType<typeof exportRecord>, 'event'> & { event: WireEvent };

/** Exports the events in the viewer's view as JSON, through its menu, and reads the file. */
export async function exportJson(viewer: Page): Promise<ExportedRecord[]> {
  await viewer.getByTestId('more').click();
  const [download] = await Promise.all([viewer.waitForEvent('download'), viewer.getByTestId('export-json').click()]);
  return JSON.parse(await readFile((await download.path())!, 'utf8'));
}

/**
 * How often events reached the collector, counted from raw bulk request bodies that it
 * took (answered 200): `collector.events()` is deduplicated by event_id, so "exactly once"
 * asserted on it holds by construction. `extra` is deliveries beyond the first of each event.
 */
export function deliveries(collector: Collector, where: (e: WireEvent) => boolean = () => true) {
  const counts = new Map<string, number>();
  for (const request of collector.requests()) {
    if (request.path !== PATHS.bulk || request.status !== 200) continue;
    for (const event of (request.body as { events: WireEvent[] }).events) {
      if (where(event)) counts.set(event.event_id, (counts.get(event.event_id) ?? 0) + 1);
    }
  }
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  return { unique: counts.size, total, extra: total - counts.size, most: Math.max(0, ...counts.values()) };
}

/** Events in the page origin's outbox (the tracker's IndexedDB `trodo`), read in the page. */
export function outboxCount(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open('trodo');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const count = open.result.transaction('outbox').objectStore('outbox').count();
          count.onsuccess = () => {
            resolve(count.result);
            open.result.close();
          };
        };
      }),
  );
}
