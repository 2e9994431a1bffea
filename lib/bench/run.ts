import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCollector } from '../collector/server';
import { BENCH_MAX_EVENTS } from './node-sdks';
import { EXTENSION_DIR, launchWithExtension, launchWithoutExtension } from '../demo/browser';
import { startSiteServer } from '../demo/site-server';
import { defaultSettings } from '../settings';
import { GZIP_BUDGETS } from './budgets';
import { measureDelivery, medianRun, type Delivery } from './delivery';
import { configure, extensionPage, loadPlan, storageEstimate, workerHeap } from './extension';
import { openBenchPage } from './harness';
import { describeMachine } from './machine';
import { measureMainThread } from './main-thread';
import { measureNodeSdks } from './node-sdks';
import { LOOPBACK_ONLY_ARG, watchNetwork } from './network-guard';
import { measurePageLoad } from './page-load';
import { measureScriptCost } from './page-script-cost';
import { measurePageTiming } from './page-timing';
import { measureLongestTask } from './longest-task';
import { measurePeer, officialUnderAutomation } from './peer-bench';
import { deliveryPlan, measurePlanValidation } from './plan-validation';
import { PEERS, bundlePeer, officialUmdSize } from './peers';
import { renderMarkdown } from './report';
import type { BenchResults } from './results';
import { startSink as startSinkServer } from './sink';
import { chunkSizes } from './sizes';
import { waitUntil } from './stats';
import { measureTrackCost, pauseFor } from './track-cost';
import { measureViewer } from './viewer-bench';

/**
 * `npm run bench`: builds the extension, then measures it and the peers side by side on
 * this machine and one fixture page; prints a markdown table and writes
 * bench-results/latest.json and bench-results/README.md. All traffic stays on 127.0.0.1.
 */
const OUT = 'bench-results';
const SITE = join(OUT, '.site');
const started = Date.now();
const log = (message: string) => console.log(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(3)}s] ${message}`);

const machine = describeMachine();
log(`${machine.cores} cores · ${machine.cpu} · ${machine.chromium} · Node ${machine.node} · load ${machine.loadAtStart}`);

log('building the extension (npx wxt build)…');
const build = spawnSync('npx', ['wxt', 'build'], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, WXT_TRODO_API_HOST: '', WXT_TRODO_SITE_ID: '', WXT_TRODO_SITES: '' } });
if (build.status !== 0) throw new Error('wxt build failed');
const chunks = chunkSizes(EXTENSION_DIR).map((c) => ({ ...c, budget: GZIP_BUDGETS[c.chunk] ?? null }));

log('bundling the peers (esbuild, minified IIFE)…');
rmSync(SITE, { recursive: true, force: true });
mkdirSync(join(SITE, 'peers'), { recursive: true });
cpSync(fileURLToPath(new URL('./site', import.meta.url)), SITE, { recursive: true });
const bundles = [];
for (const peer of PEERS) {
  const bundle = await bundlePeer(peer);
  writeFileSync(join(SITE, 'peers', `${peer.id}.js`), bundle.code);
  bundles.push(bundle);
}

log('tracking plan: 10 000 events checked against a 200-event plan…');
const planValidation = measurePlanValidation();

// The bench counts what the collector holds: keep every event of a 100 000-event run (its default
// keeps the newest 50 000, the bound that protects a long QA session's memory).
const collector = await startCollector({ maxEvents: BENCH_MAX_EVENTS });
const sink = await startSinkServer();
const site = await startSiteServer(SITE);
const ext = await launchWithExtension({ args: [LOOPBACK_ONLY_ARG] });
const plain = await launchWithoutExtension({ args: [LOOPBACK_ONLY_ARG] });
const extNetwork = watchNetwork(ext.context);
const plainNetwork = watchNetwork(plain.context);
const settings = defaultSettings();
await configure(ext.context, { apiHost: collector.url, siteId: 'bench-site' });

try {
  log('page load with and without the extension (median of 10)…');
  const pageLoad = await measurePageLoad(ext.context, plain.context, `${site.url}/load.html`);
  log('page load and domInteractive: 20 paired, interleaved loads after a warm-up…');
  const pageTiming = await measurePageTiming(ext.context, plain.context, `${site.url}/load.html`);
  log("the extension scripts' main-thread CPU per load (CDP trace of 10 loads)…");
  const scriptCost = await measureScriptCost(ext.context, `${site.url}/load.html`);

  const received = () => collector.events().filter((e) => e.event.event_name === 'bench_event').length;

  log('main-thread time for 1 000 events until acked (CDP Performance), 3 runs…');
  const { page, h } = await openBenchPage(ext.context, site.url);
  await h.loopUntilAcked(200, 'mainthread-warmup');
  const mainThread = await measureMainThread(ext.context, page);
  await waitUntil(() => received() >= 3200, 120_000, 100);
  log('longest main-thread task: 10 000 events in chunks of 500 until acked (CDP trace), 3 runs…');
  const longestTask = await measureLongestTask(ext.context, page);
  // Delivered before the end-to-end runs, so that they do not share the worker with this backlog.
  await waitUntil(() => received() >= 3200 + 30_000, 180_000, 100);
  await page.close();

  log('end to end: 10 000 events to the collector, a warm-up run, then without and with a 200-event plan, alternated, 3 times…');
  const { page: deliveryPage } = await openBenchPage(ext.context, site.url);
  // The warm-up fills the history to its limit, so that every measured run pays the same
  // trims; alternating keeps a slow stretch of the machine from landing on one side only.
  await measureDelivery(ext.context, deliveryPage, collector);
  const runs: { without: Delivery[]; withPlan: Delivery[] } = { without: [], withPlan: [] };
  const planText = JSON.stringify(deliveryPlan());
  for (let i = 0; i < 3; i++) {
    await loadPlan(ext.context, ext.extensionId, null);
    runs.without.push(await measureDelivery(ext.context, deliveryPage, collector));
    await loadPlan(ext.context, ext.extensionId, planText);
    runs.withPlan.push(await measureDelivery(ext.context, deliveryPage, collector));
  }
  await loadPlan(ext.context, ext.extensionId, null);
  const delivery = medianRun(runs.without);
  const deliveryWithPlan = medianRun(runs.withPlan);
  log(`  events/s without a plan: ${runs.without.map((r) => r.eventsPerSecond.toFixed(0)).join(', ')}; with: ${runs.withPlan.map((r) => r.eventsPerSecond.toFixed(0)).join(', ')}`);
  await deliveryPage.close();

  log('queue footprint: 10 000 events held (no site id)…');
  const extPage = await extensionPage(ext.context, ext.extensionId);
  const storageBefore = await storageEstimate(extPage);
  await configure(ext.context, { siteId: '' });
  const { page: heldPage, h: held } = await openBenchPage(ext.context, site.url);
  await held.burst(10_000, 'held');
  if (!(await held.untilAcked(120_000))) throw new Error('held events were not all acked');
  const storageAfter = await storageEstimate(extPage);
  const cdp = await ext.context.newCDPSession(extPage);
  let heap: BenchResults['queue']['workerHeap'] = null;
  let workerHeapError: string | undefined;
  try {
    heap = await workerHeap(cdp, ext.extensionId);
  } catch (error) {
    workerHeapError = String(error);
  }
  await cdp.detach();

  // Still held: the worker stores and acks every event but sends none, so the drain of
  // 35 000 events does not run under the later measurements. track() itself is the same.
  log('our track(): 5 × 1 000 and 3 × 10 000 calls (events stored and acked, held)…');
  // The same pause between runs as the peers get; the worker's ingest of earlier runs may
  // still be going on (it is slow on a loaded machine), which only makes our figure worse.
  const cost = await measureTrackCost(heldPage, 'ours', pauseFor);
  await heldPage.close();
  // The extension's backlog must not run under the peers' measurements.
  await ext.context.close();

  // The viewer in a browser of its own, its history filled from scratch to 10 000, then 100 000.
  const viewerExt = await launchWithExtension({ args: [LOOPBACK_ONLY_ARG] });
  let popup: BenchResults['popup'];
  try {
    await configure(viewerExt.context, { apiHost: collector.url, siteId: 'bench-viewer' });
    popup = await measureViewer(viewerExt.context, viewerExt.extensionId, `${site.url}/bench.html`, () => collector.summary().accepted, log, join(OUT, 'popup-100k.png'));
  } finally {
    await viewerExt.context.close();
  }

  log('peers: the official SDK under automation…');
  await plainNetwork.answerOffLoopback();
  const webdriver = await officialUnderAutomation(plain.context, site.url, plainNetwork.attempts);
  const peers = [];
  for (const bundle of bundles) {
    log(`peer ${bundle.peer.id} ${bundle.version}: 5 × 1 000 and 3 × 10 000 calls…`);
    peers.push(await measurePeer(plain.context, site.url, sink, bundle));
  }

  // Browsers idle from here: the Node SDKs run alone, each in a process of its own.
  await plain.context.close();
  const node = await measureNodeSdks(collector, sink, log);

  const results: BenchResults = {
    machine,
    durationS: Math.round((Date.now() - started) / 1000),
    settings: { batchSize: settings.batchSize, flushIntervalMs: settings.flushIntervalMs },
    sizes: {
      chunks,
      officialUmd: officialUmdSize(),
      peers: bundles.map((b) => ({ id: b.peer.id, packageName: b.peer.packageName, version: b.version, raw: b.raw, gzip: b.gzip })),
    },
    ours: { cost },
    peers,
    node,
    webdriver,
    delivery,
    pageLoad,
    pageSide: { timing: pageTiming, longestTask, scriptCost },
    mainThread,
    queue: { events: 10_000, storageBefore, storageAfter, workerHeap: heap, workerHeapError },
    popup,
    planValidation: { ...planValidation, deliveryWithPlan },
    offLoopback: { extensionBrowser: extNetwork.attempts(), peerBrowser: plainNetwork.attempts() },
  };
  const markdown = renderMarkdown(results);
  writeFileSync(join(OUT, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(OUT, 'README.md'), `# Latest benchmark\n\nProduced by \`npm run bench\`; the raw figures are in \`latest.json\` (not committed).\n\n${markdown}`);
  console.log(`\n${markdown}`);
  log(`done; wrote ${OUT}/latest.json and ${OUT}/README.md`);
} finally {
  await Promise.allSettled([ext.context.close(), plain.context.close()]);
  await Promise.allSettled([collector.close(), sink.close(), site.close()]);
}
