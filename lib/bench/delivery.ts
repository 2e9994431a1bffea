import type { BrowserContext, Page } from '@playwright/test';
import type { Collector } from '../collector/server';
import { PATHS } from '../wire/events';
import { pageHeap } from './extension';
import { harness } from './harness';
import { waitUntil } from './stats';

export interface Delivery {
  events: number;
  received: number;
  duplicates: number;
  /** Page calls from first to last, ms. */
  callMs: number;
  /** First call → last event accepted by the collector, ms. */
  totalMs: number;
  /** Last call → last event accepted: the time to drain, ms. */
  drainMs: number;
  eventsPerSecond: number;
  bulkRequests: number;
  requestsPer1000: number;
  /** Requests to the /api/sdk/* endpoints in the same window (session records, identity). */
  sessionRequests: number;
  /** Every ingestion request in the window, bulk and /api/sdk/* alike, per 1 000 events. */
  allRequestsPer1000: number;
  /** Page JS heap (bytes): before, right after the calls, and after delivery and GC. */
  heap: { before: number; afterCalls: number; afterDrain: number };
}

const runOf = (event: { custom_properties?: Record<string, unknown> }) => event.custom_properties?.run;

/**
 * End to end: `n` track() calls (in chunks of 500 per task, as fast as the page can go)
 * until every event is at the local collector. Throughput is n over first call → last
 * event received; requests are the bulk POSTs the collector saw in that window.
 */
export async function measureDelivery(context: BrowserContext, page: Page, collector: Collector, n = 10_000): Promise<Delivery> {
  const tag = `delivery-${Date.now()}`;
  const h = harness(page);
  const cdp = await context.newCDPSession(page);
  const before = await pageHeap(cdp);
  const duplicatesBefore = collector.duplicates();

  const { start, end } = await h.burst(n, tag);
  const afterCalls = await pageHeap(cdp, false);
  const count = () => collector.events().filter((e) => runOf(e.event) === tag).length;
  await waitUntil(() => count() >= n, 180_000, 100);
  const mine = collector.events().filter((e) => runOf(e.event) === tag);
  const last = Math.max(...mine.map((e) => e.receivedAt));
  // By time, not by position: the collector's request log is capped and drops its oldest.
  const window = collector.requests().filter((r) => r.at >= start && r.at <= last);
  const bulk = window.filter((r) => r.path === PATHS.bulk);
  const sdk = window.filter((r) => r.path.startsWith('/api/sdk/'));

  // Acked events leave the page's memory and outbox; measure once they all have.
  await h.untilAcked(30_000);
  const afterDrain = await pageHeap(cdp);
  await cdp.detach();
  const totalMs = last - start;
  return {
    events: n,
    received: mine.length,
    duplicates: collector.duplicates() - duplicatesBefore,
    callMs: end - start,
    totalMs,
    drainMs: last - end,
    eventsPerSecond: (mine.length / totalMs) * 1000,
    bulkRequests: bulk.length,
    requestsPer1000: (bulk.length / n) * 1000,
    sessionRequests: sdk.length,
    allRequestsPer1000: ((bulk.length + sdk.length) / n) * 1000,
    heap: { before, afterCalls, afterDrain },
  };
}

/** The run with the median throughput (the middle one of an odd number), so its other figures come from the same run. */
export function medianRun(runs: readonly Delivery[]): Delivery {
  const sorted = [...runs].sort((a, b) => a.eventsPerSecond - b.eventsPerSecond);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}
