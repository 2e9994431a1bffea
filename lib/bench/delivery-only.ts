import { fileURLToPath } from 'node:url';
import { startCollector } from '../collector/server';
import { launchWithExtension } from '../demo/browser';
import { startSiteServer } from '../demo/site-server';
import { measureDelivery } from './delivery';
import { configure, extensionPage, workerHeap } from './extension';
import { openBenchPage } from './harness';
import { LOOPBACK_ONLY_ARG } from './network-guard';
import { BENCH_MAX_EVENTS } from './node-sdks';

/**
 * `npx tsx lib/bench/delivery-only.ts [runs]`: the delivery rows of `npm run bench` alone,
 * for iterating on the worker (the full bench takes minutes). Needs a build
 * (`npx wxt build`). Prints each run, the time the page's events take to be acknowledged
 * with sending held (the page → worker half alone), and the worker's heap with 10 000 held.
 */
const runs = Number(process.argv[2] ?? 3);
const collector = await startCollector({ maxEvents: BENCH_MAX_EVENTS });
const site = await startSiteServer(fileURLToPath(new URL('./site', import.meta.url)));
const ext = await launchWithExtension({ args: [LOOPBACK_ONLY_ARG] });
try {
  await configure(ext.context, { apiHost: collector.url, siteId: 'bench-site' });
  const { page, h } = await openBenchPage(ext.context, site.url);
  await measureDelivery(ext.context, page, collector, 2000); // warm-up
  for (let i = 0; i < runs; i++) {
    const d = await measureDelivery(ext.context, page, collector);
    console.log(
      `delivery: ${d.received}/${d.events} in ${d.totalMs} ms = ${d.eventsPerSecond.toFixed(0)} events/s (calls ${d.callMs} ms, drain ${d.drainMs} ms); ` +
        `${d.bulkRequests} bulk + ${d.sessionRequests} session = ${d.requestsPer1000.toFixed(1)} per 1 000 (all: ${d.allRequestsPer1000.toFixed(1)}); duplicates ${d.duplicates}`,
    );
  }

  // The page → worker half alone: sending held (no site id), time until every event is acked.
  await configure(ext.context, { siteId: '' });
  const t0 = Date.now();
  await h.burst(10_000, `held-${t0}`);
  const acked = await h.untilAcked(120_000);
  console.log(`ingest only (held): 10 000 acked=${acked} in ${Date.now() - t0} ms = ${(10_000 / ((Date.now() - t0) / 1000)).toFixed(0)} events/s`);
  const extPage = await extensionPage(ext.context, ext.extensionId);
  const cdp = await ext.context.newCDPSession(extPage);
  const heap = await workerHeap(cdp, ext.extensionId);
  console.log(`worker heap with 10 000 held: ${heap ? (heap.usedSize / 1024 / 1024).toFixed(1) : '?'} MB used`);
  await cdp.detach();
} finally {
  await ext.context.close();
  await Promise.allSettled([collector.close(), site.close()]);
}
