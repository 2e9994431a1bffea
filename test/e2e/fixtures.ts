import { test as base, expect, type BrowserContext, type CDPSession, type Page, type Worker } from '@playwright/test';
import { fileURLToPath } from 'node:url';
import { startCollector, type Collector, type ReceivedEvent } from '../../lib/collector/server';
import { launchWithExtension, serviceWorker } from '../../lib/demo/browser';
import { startSiteServer } from '../../lib/demo/site-server';
import type { Settings } from '../../lib/settings';

/** The slice of the extension API the fixtures call inside the service worker. */
declare const chrome: {
  storage: { local: { get(key: string): Promise<Record<string, unknown>>; set(items: object): Promise<void> } };
};

export interface Extension {
  context: BrowserContext;
  id: string;
  /** The service worker as it is now (it changes after a stop). */
  worker(): Promise<Worker>;
  /** Writes settings to storage.local, as the options page does. */
  configure(change: Partial<Settings>): Promise<void>;
  /** Stops the service worker the way Chrome does when it is idle. */
  stopWorker(): Promise<void>;
  openPopup(): Promise<Page>;
}

interface Fixtures {
  collector: Collector;
  extension: Extension;
  /** A page on the fixture site that fails the test on any page error. */
  sitePage: Page;
}

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
    const { context, extensionId } = await launchWithExtension();
    let cdp: CDPSession | null = null;
    const extension: Extension = {
      context,
      id: extensionId,
      worker: () => serviceWorker(context),
      async configure(change) {
        const current = await withTimeout(
          (await extension.worker()).evaluate(async () => ((await chrome.storage.local.get('settings')).settings ?? {}) as object),
        );
        await withTimeout((await extension.worker()).evaluate((settings) => chrome.storage.local.set({ settings }), { ...current, ...change }));
      },
      async stopWorker() {
        if (!cdp) {
          // ServiceWorker.stopAllWorkers is scoped to the target's browser context; an
          // extension page keeps no port to the worker, so nothing restarts it by itself.
          const page = await context.newPage();
          await page.goto(`chrome-extension://${extensionId}/manifest.json`);
          cdp = await context.newCDPSession(page);
          await cdp.send('ServiceWorker.enable');
        }
        await cdp.send('ServiceWorker.stopAllWorkers');
      },
      async openPopup() {
        const popup = await context.newPage();
        await popup.setViewportSize({ width: 640, height: 560 });
        await popup.goto(`chrome-extension://${extensionId}/popup.html`);
        return popup;
      },
    };
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

/** `evaluate` on a stopped worker never settles; never wait on one for long. */
export function withTimeout<T>(promise: Promise<T>, ms = 5000): Promise<T> {
  return Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms))]);
}

/** Waits until the collector holds events matching `where`, at least `count` of them. */
export async function received(collector: Collector, count: number, where: (e: ReceivedEvent) => boolean = () => true, timeoutMs = 30_000) {
  let matching: ReceivedEvent[] = [];
  await expect
    .poll(() => (matching = collector.events().filter(where)).length, { timeout: timeoutMs, intervals: [100, 200, 500] })
    .toBeGreaterThanOrEqual(count);
  return matching;
}
