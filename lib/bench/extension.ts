import type { BrowserContext, CDPSession, Page, Worker } from '@playwright/test';
import { serviceWorker } from '../demo/browser';
import type { Settings } from '../settings';
import { sleep } from './stats';

declare const chrome: {
  storage: { local: { get(key: string): Promise<Record<string, unknown>>; set(items: object): Promise<void> } };
};

function withTimeout<T>(promise: Promise<T>, ms = 5000): Promise<T> {
  return Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms))]);
}

/** Writes settings into storage.local from the worker, as the options page does (see test/e2e/fixtures.ts). */
export async function configure(context: BrowserContext, change: Partial<Settings>) {
  const worker = await serviceWorker(context);
  const current = await withTimeout(worker.evaluate(async () => ((await chrome.storage.local.get('settings')).settings ?? {}) as object));
  await withTimeout(worker.evaluate((settings) => chrome.storage.local.set({ settings }), { ...current, ...change }));
  // storage.onChanged reaches the worker's service asynchronously.
  await sleep(300);
}

/**
 * Loads a tracking plan as the options page does (a load-plan message on a viewer port)
 * and waits until the worker has it in force.
 */
export async function loadPlan(context: BrowserContext, extensionId: string, text: string | null): Promise<void> {
  const page = await context.newPage();
  await page.goto(`chrome-extension://${extensionId}/options.html`);
  const answer = await page.evaluate(
    (planText) =>
      new Promise<string>((resolve) => {
        const runtime = (globalThis as unknown as { chrome: { runtime: { connect(o: { name: string }): { postMessage(m: unknown): void; onMessage: { addListener(l: (m: { type: string; error?: string }) => void): void } } } } }).chrome.runtime;
        const port = runtime.connect({ name: 'trodo-viewer' });
        port.onMessage.addListener((message) => {
          if (message.type === 'plan') resolve('ok');
          if (message.type === 'plan-rejected') resolve(message.error ?? 'rejected');
        });
        port.postMessage(planText === null ? { type: 'unload-plan' } : { type: 'load-plan', text: planText, source: 'bench' });
      }),
    text,
  );
  await page.close();
  if (answer !== 'ok') throw new Error(`the bench plan was refused: ${answer}`);
}

/** An extension page, for storage estimates and CDP access to the worker. */
export async function extensionPage(context: BrowserContext, extensionId: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`chrome-extension://${extensionId}/manifest.json`);
  return page;
}

/** navigator.storage.estimate() for the extension's origin (the worker's IndexedDB lives there). */
export async function storageEstimate(page: Page) {
  return page.evaluate(async () => {
    const estimate = (await navigator.storage.estimate()) as StorageEstimate & { usageDetails?: Record<string, number> };
    return { usage: estimate.usage ?? 0, indexedDB: estimate.usageDetails?.indexedDB ?? null };
  });
}

/**
 * The service worker's JS heap, through CDP: Playwright gives no CDP session for a worker,
 * so this attaches to the worker's target from the page's session (non-flat mode) and
 * sends Runtime.getHeapUsage through Target.sendMessageToTarget.
 */
export async function workerHeap(cdp: CDPSession, extensionId: string): Promise<{ usedSize: number; totalSize: number } | null> {
  const { targetInfos } = (await cdp.send('Target.getTargets')) as { targetInfos: { targetId: string; type: string; url: string }[] };
  const target = targetInfos.find((t) => t.type === 'service_worker' && t.url.startsWith(`chrome-extension://${extensionId}/`));
  if (!target) return null;
  const { sessionId } = (await cdp.send('Target.attachToTarget', { targetId: target.targetId, flatten: false })) as { sessionId: string };
  try {
    const call = (id: number, method: string) =>
      new Promise<Record<string, unknown>>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${method} timed out`)), 5000);
        const listener = (event: { sessionId: string; message: string }) => {
          const reply = JSON.parse(event.message) as { id?: number; result?: Record<string, unknown>; error?: unknown };
          if (event.sessionId !== sessionId || reply.id !== id) return;
          clearTimeout(timer);
          cdp.off('Target.receivedMessageFromTarget', listener);
          if (reply.error) reject(new Error(JSON.stringify(reply.error)));
          else resolve(reply.result ?? {});
        };
        cdp.on('Target.receivedMessageFromTarget', listener);
        void cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method }) });
      });
    await call(1, 'HeapProfiler.collectGarbage');
    const usage = await call(2, 'Runtime.getHeapUsage');
    return { usedSize: usage.usedSize as number, totalSize: usage.totalSize as number };
  } finally {
    await cdp.send('Target.detachFromTarget', { sessionId }).catch(() => {});
  }
}

/** The page's JS heap after a full GC. */
export async function pageHeap(cdp: CDPSession, gc = true): Promise<number> {
  if (gc) await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
  return usedSize;
}

export type { Worker };
