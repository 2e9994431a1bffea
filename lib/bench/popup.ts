import type { BrowserContext, Page } from '@playwright/test';
import { median, waitUntil } from './stats';

/** Distinct names the history is filled with: the name filter then keeps a tenth of it. */
const NAMES = 10;
/**
 * Events one page tracks before it waits for their acknowledgement: the fill goes at the
 * worker's pace, never past its intake bound (events it refuses wait in the page's outbox
 * until the page loads again, which would stall the fill).
 */
const STEP = 1000;
/** Pages filling at once (each its own tab, so the worker's per-tab rate is not the limit). */
const PAGES = 4;

/** The popup with a large history: open, scroll to the end, filter by name. */
export interface ViewerScale {
  /** Records in history when measured (the popup's list count, unfiltered, all tabs). */
  history: number;
  /** The first open, not in the median: Chromium's code cache and the worker's digest cache are cold. */
  coldOpenMs: number;
  /** popup.html navigation start → the first screen of rows painted, none a placeholder, ms. */
  openMs: number[];
  medianOpenMs: number;
  /** Scrolled to the bottom → the last row painted, ms. */
  scrollEndMs: number[];
  medianScrollEndMs: number;
  /** A name chosen in the Event filter → the list shows its count and its rows, ms. */
  filterMs: number[];
  medianFilterMs: number;
  filterName: string;
  filterRows: number;
}

export const scaleName = (i: number) => `scale_event_${i % NAMES}`;

/**
 * Tracks `count` events (names scale_event_0…9) from PAGES tabs of the bench page, each
 * waiting for its acknowledgements every STEP events, until all are acknowledged.
 * `first` numbers them on from an earlier fill.
 */
export async function fillHistory(context: BrowserContext, benchUrl: string, count: number, first = 0): Promise<void> {
  const pages: Page[] = [];
  for (let p = 0; p < PAGES; p++) {
    const page = await context.newPage();
    await page.goto(benchUrl);
    await page.evaluate(() => (window as unknown as { bench: { ready: Promise<void> } }).bench.ready);
    pages.push(page);
  }
  const share = Math.ceil(count / PAGES);
  await Promise.all(
    pages.map((page, p) =>
      page.evaluate(
        async ([from, to, step, names]) => {
          const trodo = (window as unknown as { Trodo: { track(name: string, properties: object): void } }).Trodo;
          const harness = (window as unknown as { bench: { untilAcked(ms: number): Promise<boolean> } }).bench;
          for (let i = from; i < to; i += step) {
            for (let j = i; j < Math.min(to, i + step); j++) trodo.track(`scale_event_${j % names}`, { step: j, plan: 'pro', ok: true });
            if (!(await harness.untilAcked(120_000))) throw new Error(`events ${i}… not acknowledged within 2 minutes`);
          }
        },
        [first + p * share, first + Math.min(count, (p + 1) * share), STEP, NAMES] as const,
      ),
    ),
  );
  await Promise.all(pages.map((page) => page.close()));
}

async function openPopup(context: BrowserContext, extensionId: string): Promise<{ page: Page; ms: number }> {
  const page = await context.newPage();
  await page.setViewportSize({ width: 780, height: 580 });
  await page.goto(`chrome-extension://${extensionId}/popup.html`, { waitUntil: 'commit' });
  // "First screen": the list has its count, rows are painted and none is a placeholder
  // (a row whose window has not arrived). Polled every frame, timed from navigation start.
  const handle = await page.waitForFunction(
    () => {
      const list = document.querySelector('[data-testid="event-list"]');
      return list && Number(list.getAttribute('data-count')) > 0 && list.querySelector('[data-testid="event-row"]') && !list.querySelector('.placeholder') && performance.now();
    },
    undefined,
    { polling: 'raf', timeout: 60_000 },
  );
  return { page, ms: (await handle.jsonValue()) as number };
}

// The page functions below declare no named inner functions: tsx would wrap them in a
// __name() helper that does not exist in the page. Polling is waitForFunction's, every frame.

/** Scrolls the list to its end; resolves with the ms until the last row is painted. */
async function scrollToEnd(page: Page): Promise<number> {
  const t0 = await page.evaluate(() => {
    const list = document.querySelector('[data-testid="event-list"]') as HTMLElement;
    list.scrollTop = list.scrollHeight;
    return performance.now();
  });
  const end = await page.waitForFunction(
    () => {
      const list = document.querySelector('[data-testid="event-list"]')!;
      const last = Number(list.getAttribute('data-count')) - 1;
      return document.getElementById(`row-${last}`)?.querySelector('[data-testid="event-row"]') && !list.querySelector('.placeholder') && performance.now();
    },
    undefined,
    { polling: 'raf', timeout: 30_000 },
  );
  return ((await end.jsonValue()) as number) - t0;
}

/** Picks `name` in the Event filter; resolves with the ms until the list shows `rows` of it. */
async function filterByName(page: Page, name: string, rows: number): Promise<number> {
  const t0 = await page.evaluate((wanted) => {
    const select = document.querySelector('[data-testid="filter-name"]') as HTMLSelectElement;
    select.value = wanted;
    select.dispatchEvent(new Event('change', { bubbles: true }));
    return performance.now();
  }, name);
  const end = await page.waitForFunction(
    ([wanted, count]) => {
      const list = document.querySelector('[data-testid="event-list"]');
      const shown = [...(list?.querySelectorAll('[data-testid="event-row"]') ?? [])];
      const done = Number(list?.getAttribute('data-count')) === count && shown.length > 0 && !list!.querySelector('.placeholder') && shown.every((row) => row.textContent!.includes(wanted));
      return done && performance.now();
    },
    [name, rows] as const,
    { polling: 'raf', timeout: 30_000 },
  );
  return ((await end.jsonValue()) as number) - t0;
}

/** How long the first open takes; it is not in the medians (see ViewerScale.coldOpenMs). */
async function coldOpen(context: BrowserContext, extensionId: string): Promise<number> {
  const open = await openPopup(context, extensionId);
  await open.page.close();
  return open.ms;
}

/** Opens the popup `times` times after a cold open: first screen of rows, ms each (the 10 000-event measure). */
export async function measureOpen(context: BrowserContext, extensionId: string, times = 5): Promise<{ coldMs: number; ms: number[]; rows: number }> {
  const coldMs = await coldOpen(context, extensionId);
  const ms: number[] = [];
  let rows = 0;
  for (let i = 0; i < times; i++) {
    const open = await openPopup(context, extensionId);
    ms.push(open.ms);
    rows = Number(await open.page.getByTestId('event-list').getAttribute('data-count'));
    await open.page.close();
  }
  return { coldMs, ms, rows };
}

/**
 * Open, scroll to the end, filter by name, `times` times each in a fresh popup. The name's
 * count is read from the popup's own Event menu, which comes from the worker's digests.
 */
export async function measureScale(context: BrowserContext, extensionId: string, times = 5, name = scaleName(3)): Promise<ViewerScale> {
  const coldOpenMs = await coldOpen(context, extensionId);
  const openMs: number[] = [];
  const scrollEndMs: number[] = [];
  const filterMs: number[] = [];
  let history = 0;
  let filterRows = 0;
  for (let i = 0; i < times; i++) {
    const open = await openPopup(context, extensionId);
    openMs.push(open.ms);
    // The list shows this tab's events by default; the popup opened on no web page shows all.
    history = Number(await open.page.getByTestId('event-list').getAttribute('data-count'));
    scrollEndMs.push(await scrollToEnd(open.page));
    const label = await open.page.locator(`[data-testid="filter-name"] option[value="${name}"]`).textContent();
    filterRows = Number(/\((\d+)\)$/.exec(label ?? '')?.[1] ?? 0);
    filterMs.push(await filterByName(open.page, name, filterRows));
    await open.page.close();
  }
  return { history, coldOpenMs, openMs, medianOpenMs: median(openMs), scrollEndMs, medianScrollEndMs: median(scrollEndMs), filterMs, medianFilterMs: median(filterMs), filterName: name, filterRows };
}

/** Waits until the collector holds `count` events whose name starts with scale_event_. */
export async function untilDelivered(countAt: () => number, count: number, timeoutMs = 600_000): Promise<void> {
  if (!(await waitUntil(() => countAt() >= count, timeoutMs, 1000))) throw new Error(`only ${countAt()} of ${count} events reached the collector`);
}
