import type { BrowserContext, Page } from '@playwright/test';
import { median } from './stats';

/** One measure of paired loads: each side's samples, medians, and the median of the pairwise differences. */
export interface Paired {
  withExtension: number[];
  without: number[];
  medianWith: number;
  medianWithout: number;
  /** Median of (with − without) over the pairs, ms: each pair shares the machine's noise of its moment. */
  added: number;
  /** Interquartile range of those differences, ms: the spread the figure carries. */
  spread: [number, number];
}

export interface PageTiming {
  /** Navigation start → load event end. */
  load: Paired;
  /** Navigation start → domInteractive: what document_start work costs the parser. */
  domInteractive: Paired;
}

async function timing(page: Page, url: string): Promise<{ load: number; domInteractive: number }> {
  await page.goto(url, { waitUntil: 'load' });
  // loadEventEnd is set once the load handlers have returned: wait a task for it.
  return page.evaluate(
    () =>
      new Promise<{ load: number; domInteractive: number }>((resolve) =>
        setTimeout(() => {
          const [entry] = performance.getEntriesByType('navigation') as PerformanceNavigationTiming[];
          resolve(entry ? { load: entry.loadEventEnd, domInteractive: entry.domInteractive } : { load: Number.NaN, domInteractive: Number.NaN });
        }, 0),
      ),
  );
}

function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))))] ?? Number.NaN;
}

function paired(withExtension: number[], without: number[]): Paired {
  const diffs = withExtension.map((value, i) => value - without[i]!);
  return {
    withExtension,
    without,
    medianWith: median(withExtension),
    medianWithout: median(without),
    added: median(diffs),
    spread: [quantile(diffs, 0.25), quantile(diffs, 0.75)],
  };
}

/**
 * The issue-15 page-load measure: `times` pairs of loads of one page, with and without the
 * extension, interleaved (the order inside each pair alternates, so neither side always goes
 * first), after three warm-up loads of each browser. Reports load-event end and domInteractive.
 */
export async function measurePageTiming(withExt: BrowserContext, without: BrowserContext, url: string, times = 20): Promise<PageTiming> {
  const a = await withExt.newPage();
  const b = await without.newPage();
  for (let i = 0; i < 3; i++) {
    await timing(a, url);
    await timing(b, url);
  }
  const ext: { load: number; domInteractive: number }[] = [];
  const plain: { load: number; domInteractive: number }[] = [];
  for (let i = 0; i < times; i++) {
    if (i % 2) {
      plain.push(await timing(b, url));
      ext.push(await timing(a, url));
    } else {
      ext.push(await timing(a, url));
      plain.push(await timing(b, url));
    }
  }
  await Promise.all([a.close(), b.close()]);
  return {
    load: paired(ext.map((t) => t.load), plain.map((t) => t.load)),
    domInteractive: paired(ext.map((t) => t.domInteractive), plain.map((t) => t.domInteractive)),
  };
}
