import type { BrowserContext, Page } from '@playwright/test';
import { median } from './stats';

export interface PageLoad {
  withExtension: number[];
  without: number[];
  medianWith: number;
  medianWithout: number;
  /** Median with minus median without, ms. */
  added: number;
}

/** ms from navigation start to the load event, from the page's navigation timing entry. */
async function loadTime(page: Page, url: string): Promise<number> {
  await page.goto(url, { waitUntil: 'load' });
  return page.evaluate(() => {
    const [entry] = performance.getEntriesByType('navigation') as PerformanceNavigationTiming[];
    return entry ? entry.loadEventStart : Number.NaN;
  });
}

/**
 * Navigation → load event of the same fixture page in a browser with the extension and
 * one without, interleaved (so that machine noise hits both alike), after one warm-up each.
 */
export async function measurePageLoad(withExt: BrowserContext, without: BrowserContext, url: string, times = 10): Promise<PageLoad> {
  const a = await withExt.newPage();
  const b = await without.newPage();
  await loadTime(a, url);
  await loadTime(b, url);
  const withExtension: number[] = [];
  const plain: number[] = [];
  for (let i = 0; i < times; i++) {
    withExtension.push(await loadTime(a, url));
    plain.push(await loadTime(b, url));
  }
  await Promise.all([a.close(), b.close()]);
  const medianWith = median(withExtension);
  const medianWithout = median(plain);
  return { withExtension, without: plain, medianWith, medianWithout, added: medianWith - medianWithout };
}
