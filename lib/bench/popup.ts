import type { BrowserContext } from '@playwright/test';
import { median } from './stats';

export interface PopupRender {
  /** popup.html navigation start → the list's rows are in the DOM (polled each frame), ms. */
  ms: number[];
  medianMs: number;
  rows: number;
  /** What the popup's "captured" count says: events in history. */
  captured: number;
}

/**
 * Opens the popup `times` times with a full history and measures how long until its
 * list shows every record the worker's snapshot holds (at most SNAPSHOT_LIMIT), from the
 * popup's own navigation start: script load, port connect, IndexedDB read, message and render.
 */
export async function measurePopup(context: BrowserContext, extensionId: string, expectedRows: number, times = 3): Promise<PopupRender> {
  const ms: number[] = [];
  let rows = 0;
  let captured = 0;
  for (let i = 0; i < times; i++) {
    const page = await context.newPage();
    await page.setViewportSize({ width: 640, height: 560 });
    await page.goto(`chrome-extension://${extensionId}/popup.html`, { waitUntil: 'commit' });
    const handle = await page.waitForFunction(
      (n) => document.querySelectorAll('[data-testid="event-row"]').length >= n && performance.now(),
      expectedRows,
      { polling: 'raf', timeout: 60_000 },
    );
    ms.push((await handle.jsonValue()) as number);
    rows = await page.locator('[data-testid="event-row"]').count();
    captured = Number(await page.getByTestId('count-captured').locator('dd').textContent());
    await page.close();
  }
  return { ms, medianMs: median(ms), rows, captured };
}
