import { readFile } from 'node:fs/promises';
import {
  test as base,
  expect as baseExpect,
  type BrowserContext,
  type Expect,
  type PlaywrightTestArgs,
  type PlaywrightTestOptions,
  type PlaywrightWorkerArgs,
  type PlaywrightWorkerOptions,
  type TestType,
  type Worker,
} from '@playwright/test';
import { startCollector, type Collector } from '../collector/server';
import { launchWithExtension, serviceWorker } from '../demo/browser';
import { VIEWER_PORT } from '../protocol';
import type { Settings } from '../settings';
import { collectorClient, type CollectorClient } from './collector-client';
import { builtExtensionDir } from './extension-dir';
import { configureExtension } from './extension-settings';
import { watchExtension } from './extension-status';
import { toHaveTracked, toMatchPlan } from './matchers';
import { createTrodo, type Trodo } from './trodo';

export type { Trodo } from './trodo';
export type { ExtensionStatus } from './extension-status';
export type { TrackedOptions } from './matchers';

/**
 * `test.use({ trodoOptions: { … } })`. Applied before each test through the extension's
 * stored settings, the way its options page changes them.
 */
export interface TrodoOptions {
  /** Sent as X-Trodo-Site-Id; default "playwright". */
  siteId?: string;
  /** Auto-events (page views, clicks, errors…); on by default. */
  autoEvents?: boolean;
  /** Any other setting of the extension (batch size, flush interval…). */
  settings?: Partial<Settings>;
  /**
   * A tracking plan for `toMatchPlan`: the plan itself or the path of its JSON file (a
   * Segment Protocols export is converted). Without one, no plan is in force.
   */
  plan?: object | string;
}

interface TrodoWorker {
  context: BrowserContext;
  worker: () => Promise<Worker>;
  collector: Collector;
  client: CollectorClient;
  trodo: Trodo;
}

// Fast enough that a test never waits on the batch timer; the extension's floor is 50 ms.
const FIXTURE_SETTINGS: Partial<Settings> = { flushIntervalMs: 50 };
// Before a test, what the last one left in the extension's queue is sent and then forgotten.
const SETTLE_MS = 10_000;

/**
 * Playwright's `test` with the Trodo QA extension loaded: one Chromium (a persistent
 * context with the built extension) and one collector per worker, the extension pointed at
 * it through its settings, the collector emptied before each test. `page` and `context`
 * are that browser's, so `baseURL` and the rest of a project's `use` apply as usual.
 */
// Typed by hand so the declarations name '@playwright/test', the package users install.
export const test: TestType<PlaywrightTestArgs & PlaywrightTestOptions & { trodoOptions: TrodoOptions; trodo: Trodo }, PlaywrightWorkerArgs & PlaywrightWorkerOptions & { trodoWorker: TrodoWorker }> = base.extend<{ trodoOptions: TrodoOptions; trodo: Trodo }, { trodoWorker: TrodoWorker }>({
  trodoOptions: [{}, { option: true }],

  trodoWorker: [
    async ({}, use, workerInfo) => {
      const collector = await startCollector();
      const { baseURL, headless } = workerInfo.project.use;
      const { context, extensionId } = await launchWithExtension({ extensionDir: builtExtensionDir(), headless: headless ?? true, ...(baseURL ? { baseURL } : {}) });
      const worker = () => serviceWorker(context);
      await configureExtension(worker, { ...FIXTURE_SETTINGS, apiHost: collector.url, siteId: 'playwright' });
      const client = collectorClient(collector.url);
      const trodo = createTrodo(client, await watchExtension(context, extensionId, VIEWER_PORT));
      await use({ context, worker, collector, client, trodo });
      await context.close();
      await collector.close();
    },
    { scope: 'worker' },
  ],

  context: async ({ trodoWorker }, use) => {
    await use(trodoWorker.context);
  },

  page: async ({ context }, use) => {
    await use(await context.newPage());
    // Every page the test opened goes (popups and tabs too), so none of them sends events
    // into the next test; the extension's own pages stay.
    await Promise.all(context.pages().filter((p) => !p.url().startsWith('chrome-extension://')).map((p) => p.close()));
  },

  trodo: async ({ trodoWorker, trodoOptions }, use) => {
    const { worker, trodo } = trodoWorker;
    const { siteId = 'playwright', autoEvents = true, settings = {}, plan } = trodoOptions;
    await configureExtension(worker, { ...FIXTURE_SETTINGS, ...settings, apiHost: trodoWorker.collector.url, siteId, autoEvents });
    await trodo.flush({ timeout: SETTLE_MS });
    await trodo.reset();
    await trodoWorker.client.loadPlan(typeof plan === 'string' ? JSON.parse(await readFile(plan, 'utf8')) : (plan ?? null));
    await use(trodo);
  },
});

/** Playwright's `expect` with `toHaveTracked` and `toMatchPlan`. */
export const expect: Expect<{ toHaveTracked: typeof toHaveTracked; toMatchPlan: typeof toMatchPlan }> = baseExpect.extend({ toHaveTracked, toMatchPlan });

