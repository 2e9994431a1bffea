import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCollector } from '../collector/server';
import { launchWithExtension, launchWithoutExtension } from '../demo/browser';
import { startSiteServer } from '../demo/site-server';
import { configure } from './extension';
import { openBenchPage } from './harness';
import { measureLongestTask } from './longest-task';
import { measureMainThread } from './main-thread';
import { LOOPBACK_ONLY_ARG } from './network-guard';
import { measureScriptCost } from './page-script-cost';
import { measurePageTiming, type Paired } from './page-timing';
import { measurePeer } from './peer-bench';
import { PEERS, bundlePeer } from './peers';
import { startSink } from './sink';
import { round } from './stats';
import { measureTrackCost, pauseFor } from './track-cost';

/**
 * `npx tsx lib/bench/page-side.ts`: only the page-side measures of `npm run bench` (page
 * load and domInteractive added, track() against posthog-js, main-thread time, longest
 * task in a 10 000-event burst), in about two minutes, on the extension already built in
 * .output/chrome-mv3 (run `npx wxt build` first). For iterating on the tracker and bridge.
 */
const SITE = join('bench-results', '.site-page-side');
rmSync(SITE, { recursive: true, force: true });
mkdirSync(join(SITE, 'peers'), { recursive: true });
cpSync(fileURLToPath(new URL('./site', import.meta.url)), SITE, { recursive: true });
const posthog = await bundlePeer(PEERS.find((p) => p.id === 'posthog')!);
writeFileSync(join(SITE, 'peers', 'posthog.js'), posthog.code);

const collector = await startCollector({ maxEvents: 200_000 });
const sink = await startSink();
const site = await startSiteServer(SITE);
const ext = await launchWithExtension({ args: [LOOPBACK_ONLY_ARG] });
const plain = await launchWithoutExtension({ args: [LOOPBACK_ONLY_ARG] });
await configure(ext.context, { apiHost: collector.url, siteId: 'bench-site' });
const ms = (value: number) => `${round(value, 1)} ms`;
const pair = (p: Paired) => `${p.added >= 0 ? '+' : ''}${ms(p.added)} (IQR ${ms(p.spread[0])} … ${ms(p.spread[1])}; ${ms(p.medianWith)} with, ${ms(p.medianWithout)} without)`;

try {
  const timing = await measurePageTiming(ext.context, plain.context, `${site.url}/load.html`);
  console.log(`page load added (load event end, 20 pairs): ${pair(timing.load)}`);
  console.log(`domInteractive added: ${pair(timing.domInteractive)}`);
  const scripts = await measureScriptCost(ext.context, `${site.url}/load.html`);
  console.log(`extension scripts' main-thread CPU per load (median of ${scripts.loads}): ${ms(scripts.beforeDomInteractive)} before domInteractive, ${ms(scripts.domInteractiveToLoad)} to load end, ${ms(scripts.previousPageUnload)} in the previous page's unload`);

  const { page, h } = await openBenchPage(ext.context, site.url);
  await h.loopUntilAcked(200, 'mainthread-warmup');
  const main = await measureMainThread(ext.context, page);
  console.log(`main thread, 1 000 events until acked: ${ms(main.medianTaskMs)} (runs ${main.taskMs.map((v) => round(v, 1)).join(', ')}; idle window ${ms(main.medianIdleTaskMs)}; wall ${ms(main.medianWallMs)})`);
  const longest = await measureLongestTask(ext.context, page);
  console.log(`longest task, 10 000-event burst until acked: ${ms(longest.medianMs)} (runs ${longest.runsMs.map((v) => round(v, 1)).join(', ')}; tasks ≥ 50 ms: ${longest.longTasks.join(', ')})`);
  const cost = await measureTrackCost(page, 'ours', async (calls) => {
    await pauseFor(calls);
    await h.untilAcked(120_000);
  });
  await page.close();
  const peer = await measurePeer(plain.context, site.url, sink, posthog);
  console.log(`track() per call, 1 000 calls: ours ${round(cost.median1k, 2)} µs (runs ${cost.runs1k.map((v) => round(v, 1)).join(', ')}) vs posthog-js ${posthog.version} ${round(peer.cost?.median1k ?? Number.NaN, 2)} µs (runs ${(peer.cost?.runs1k ?? []).map((v) => round(v, 1)).join(', ')})`);
  console.log(`track() per call, 10 000 calls: ours ${round(cost.median10k, 2)} µs vs posthog-js ${round(peer.cost?.median10k ?? Number.NaN, 2)} µs`);
} finally {
  await Promise.allSettled([ext.context.close(), plain.context.close()]);
  await Promise.allSettled([collector.close(), sink.close(), site.close()]);
}
