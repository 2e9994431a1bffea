import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { startCollector } from '../collector/server';
import { launchWithExtension } from '../demo/browser';
import { startSiteServer } from '../demo/site-server';
import { measureDelivery, type Delivery } from './delivery';
import { configure } from './extension';
import { openBenchPage } from './harness';
import { LOOPBACK_ONLY_ARG } from './network-guard';
import { BENCH_MAX_EVENTS } from './node-sdks';
import { median } from './stats';

/**
 * `npx tsx lib/bench/delivery-ab.ts <built extension A> <built extension B> [rounds]`: the
 * delivery row of the bench for two builds, alternated (A, B, A, B, …; a fresh browser and
 * collector each), so that a change is compared under the same load. On a shared machine the
 * load moves the figures more than most changes do; runs one after the other mislead.
 */
const [dirA, dirB] = [process.argv[2], process.argv[3]].map((dir) => resolve(dir ?? '.output/chrome-mv3'));
const rounds = Number(process.argv[4] ?? 3);
const site = await startSiteServer(fileURLToPath(new URL('./site', import.meta.url)));
const runs = new Map<string, Delivery[]>([[dirA!, []], [dirB!, []]]);

async function once(extensionDir: string): Promise<Delivery> {
  const collector = await startCollector({ maxEvents: BENCH_MAX_EVENTS });
  const ext = await launchWithExtension({ extensionDir, args: [LOOPBACK_ONLY_ARG] });
  try {
    await configure(ext.context, { apiHost: collector.url, siteId: 'bench-site' });
    const { page } = await openBenchPage(ext.context, site.url);
    await measureDelivery(ext.context, page, collector, 2000); // warm-up
    return await measureDelivery(ext.context, page, collector);
  } finally {
    await ext.context.close();
    await collector.close();
  }
}

const row = (d: Delivery) =>
  `${d.received}/${d.events} in ${d.totalMs} ms = ${d.eventsPerSecond.toFixed(0)} events/s (calls ${d.callMs} ms); ${d.requestsPer1000.toFixed(1)} requests per 1 000 (all: ${d.allRequestsPer1000.toFixed(1)}); duplicates ${d.duplicates}`;
try {
  for (let round = 0; round < rounds; round++) {
    for (const dir of [dirA!, dirB!]) {
      const d = await once(dir);
      runs.get(dir)!.push(d);
      console.log(`${dir === dirA ? 'A' : 'B'} ${row(d)}`);
    }
  }
  for (const [dir, list] of runs) console.log(`${dir === dirA ? 'A' : 'B'} ${dir}: median ${median(list.map((d) => d.eventsPerSecond)).toFixed(0)} events/s of ${list.map((d) => d.eventsPerSecond.toFixed(0)).join(', ')}`);
} finally {
  await site.close();
}
