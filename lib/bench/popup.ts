import type { BrowserContext } from '@playwright/test';
import { median } from './stats';

export interface PopupRender {
  /** popup.html navigation start → the list holds every record and shows its first rows (polled each frame), ms. */
  ms: number[];
  medianMs: number;
  rows: number;
  /** What the popup's "captured" count says: events in history. */
  captured: number;
}

/**
 * Opens the popup `times` times with a full history and measures how long until its
 * list shows every record of the worker's history, from the
 * popup's own navigation start: script load, port connect, IndexedDB read, message and render.
 */
export async function measurePopup(context: BrowserContext, extensionId: string, expectedRows: number, times = 3): Promise<PopupRender> {
  const ms: number[] = [];
  let rows = 0;
  let captured = 0;
  for (let i = 0; i < times; i++) {
    const page = await context.newPage();
    await page.setViewportSize({ width: 780, height: 580 });
    await page.goto(`chrome-extension://${extensionId}/popup.html`, { waitUntil: 'commit' });
    // The list is virtual: it reports how many records it holds in data-count and renders
    // only the rows in view, so "listed" means the count reached, and the rows painted.
    const handle = await page.waitForFunction(
      (n) => Number(document.querySelector('[data-testid="event-list"]')?.getAttribute('data-count') ?? 0) >= n && performance.now(),
      expectedRows,
      { polling: 'raf', timeout: 60_000 },
    );
    ms.push((await handle.jsonValue()) as number);
    rows = Number(await page.getByTestId('event-list').getAttribute('data-count'));
    captured = Number(await page.getByTestId('count-captured').locator('dd').textContent());
    await page.close();
  }
  return { ms, medianMs: median(ms), rows, captured };
}
