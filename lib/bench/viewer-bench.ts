import type { BrowserContext } from '@playwright/test';
import { configure } from './extension';
import { median } from './stats';
import { fillHistory, measureOpen, measureScale, untilDelivered, type ViewerScale } from './popup';

/** The viewer's figures for `npm run bench`: the popup over 10 000 and over 100 000 events. */
export interface ViewerBench {
  /** Open → first screen of rows with 10 000 events in history. */
  open10k: { history: number; coldMs: number; ms: number[]; medianMs: number };
  at100k: ViewerScale;
  /** Where the screenshot of the popup over 100 000 events was written. */
  screenshot: string;
}

/**
 * Fills the extension's history through real pages (tracked, stored, sent to the collector)
 * to 10 000 and then 100 000 events, and measures the popup at each. `delivered` counts what
 * the collector accepted, so each measure runs with the worker idle.
 */
export async function measureViewer(
  context: BrowserContext,
  extensionId: string,
  benchUrl: string,
  delivered: () => number,
  log: (message: string) => void,
  screenshotPath: string,
  /** Skips the fills and the 10 000 measure: the profile already holds 100 000 (`npm run bench:viewer` with BENCH_VIEWER_PROFILE). */
  filled = false,
): Promise<ViewerBench> {
  if (filled) return { open10k: { history: 0, coldMs: Number.NaN, ms: [], medianMs: Number.NaN }, at100k: await measureScale(context, extensionId, 5), screenshot: await shoot(context, extensionId, screenshotPath) };
  // The fill outruns delivery for a while: the queue may hold it all (nothing is dropped).
  await configure(context, { maxQueueEvents: 100_000, historyLimit: 100_000, autoEvents: false });
  const base = delivered();
  log('viewer: filling history with 10 000 events (real pages, sent to the collector)…');
  await fillHistory(context, benchUrl, 10_000);
  await untilDelivered(delivered, base + 10_000);
  log('viewer: popup open → first screen, 10 000 in history (5 opens)…');
  const open = await measureOpen(context, extensionId, 5);
  log(`  first ${open.coldMs.toFixed(0)} ms, then ${open.ms.map((ms) => ms.toFixed(0)).join(', ')} ms; list count ${open.rows}`);

  log('viewer: filling history to 100 000 events, 10 000 at a time…');
  // Each slice is delivered before the next: a backlog of tens of thousands would make the
  // flusher, not the viewer, the subject of the wait.
  for (let at = 10_000; at < 100_000; at += 10_000) {
    await fillHistory(context, benchUrl, 10_000, at);
    await untilDelivered(delivered, base + at + 10_000);
    log(`  ${at + 10_000} delivered`);
  }
  log('viewer: popup with 100 000 in history: open, scroll to the end, filter by name (5 times)…');
  const at100k = await measureScale(context, extensionId, 5);
  log(`  open: first ${at100k.coldOpenMs.toFixed(0)}, then ${at100k.openMs.map((ms) => ms.toFixed(0)).join(', ')} ms; scroll ${at100k.scrollEndMs.map((ms) => ms.toFixed(0)).join(', ')} ms; filter ${at100k.filterMs.map((ms) => ms.toFixed(0)).join(', ')} ms`);

  return { open10k: { history: open.rows, coldMs: open.coldMs, ms: open.ms, medianMs: median(open.ms) }, at100k, screenshot: await shoot(context, extensionId, screenshotPath) };
}

/** A screenshot of the popup as a user sees it. */
async function shoot(context: BrowserContext, extensionId: string, path: string): Promise<string> {
  const page = await context.newPage();
  await page.setViewportSize({ width: 780, height: 580 });
  await page.goto(`chrome-extension://${extensionId}/popup.html`);
  await page.locator('[data-testid="event-row"]').first().waitFor();
  await page.screenshot({ path });
  await page.close();
  return path;
}
