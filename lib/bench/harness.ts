import type { BrowserContext, Page } from '@playwright/test';

/** What lib/bench/site/bench.js puts on the fixture page. */
interface BenchHarness {
  ready: Promise<void>;
  loop(n: number, tag: string, budgetMs?: number): { us: number; calls: number };
  burst(n: number, tag: string, chunk: number): Promise<{ start: number; end: number }>;
  untilAcked(timeoutMs: number): Promise<boolean>;
}
declare const bench: BenchHarness;

/** Typed calls into the fixture page's harness. */
export function harness(page: Page) {
  return {
    ready: (timeoutMs = 20_000) =>
      page.evaluate((ms) => Promise.race([bench.ready.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms))]), timeoutMs),
    /** µs per call of n synchronous track() calls (fewer calls if the budget ran out). */
    loop: (n: number, tag: string, budgetMs = 20_000) => page.evaluate(([count, t, ms]) => bench.loop(count, t, ms), [n, tag, budgetMs] as const),
    burst: (n: number, tag: string, chunk = 500) => page.evaluate(([count, t, c]) => bench.burst(count, t, c), [n, tag, chunk] as const),
    /** Until every event tracked so far has been acknowledged (the page outbox is empty). */
    untilAcked: (timeoutMs = 60_000) => page.evaluate((ms) => bench.untilAcked(ms), timeoutMs),
    /** Runs n calls and waits for their acks in one evaluate (the wait reads the outbox every 50 ms). */
    loopUntilAcked: (n: number, tag: string, timeoutMs = 60_000) =>
      page.evaluate(
        async ([count, t, ms]) => {
          const t0 = performance.now();
          bench.loop(count, t);
          const ok = await bench.untilAcked(ms);
          return { ok, ms: performance.now() - t0 };
        },
        [n, tag, timeoutMs] as const,
      ),
    idle: (ms: number) => page.evaluate((wait) => new Promise<void>((r) => setTimeout(r, wait)), ms),
  };
}

/** A new tab on the fixture site's bench page, once the page's tracker is ready. */
export async function openBenchPage(context: BrowserContext, siteUrl: string) {
  const page = await context.newPage();
  await page.goto(`${siteUrl}/bench.html`);
  const h = harness(page);
  if (!(await h.ready())) throw new Error('window.Trodo did not become ready');
  return { page, h };
}
