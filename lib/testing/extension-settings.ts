import type { Worker } from '@playwright/test';
import type { Settings } from '../settings';

/** The slice of the extension API used inside `worker.evaluate` (it runs in the worker, not here). */
declare const chrome: {
  storage: { local: { get(key: string): Promise<Record<string, unknown>>; set(items: Record<string, unknown>): Promise<void> } };
};

/**
 * Writes settings to the extension's storage.local, as its options page does: the worker
 * applies them from `storage.onChanged`, so no rebuild is needed to point it elsewhere.
 */
export async function configureExtension(worker: () => Promise<Worker>, change: Partial<Settings>): Promise<void> {
  const current = await withTimeout((await worker()).evaluate(async () => ((await chrome.storage.local.get('settings')).settings ?? {}) as Record<string, unknown>));
  await withTimeout((await worker()).evaluate((settings) => chrome.storage.local.set({ settings }), { ...current, ...change }));
}

/** `evaluate` on a stopped worker never settles; never wait on one for long. */
export function withTimeout<T>(promise: Promise<T>, ms = 5000): Promise<T> {
  return Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms))]);
}
