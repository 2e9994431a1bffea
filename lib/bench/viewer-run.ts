import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCollector } from '../collector/server';
import { launchWithExtension } from '../demo/browser';
import { startSiteServer } from '../demo/site-server';
import { configure } from './extension';
import { LOOPBACK_ONLY_ARG } from './network-guard';
import { renderViewer } from './report';
import { measureViewer } from './viewer-bench';

/**
 * `npm run bench:viewer`: only the viewer's figures (popup with 10 000 and 100 000 events in
 * history), in a browser of their own; `npm run bench` runs the same as part of the whole.
 * Builds first unless BENCH_SKIP_BUILD=1. Writes bench-results/viewer.json and a screenshot.
 * BENCH_VIEWER_PROFILE=dir keeps the browser profile there; run again with the same dir and
 * BENCH_VIEWER_FILLED=1 to measure the 100 000 again without filling (minutes) again.
 */
const OUT = 'bench-results';
const started = Date.now();
const log = (message: string) => console.log(`[bench:viewer ${((Date.now() - started) / 1000).toFixed(0).padStart(3)}s] ${message}`);

if (process.env.BENCH_SKIP_BUILD !== '1') {
  log('building the extension (npx wxt build)…');
  const build = spawnSync('npx', ['wxt', 'build'], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, WXT_TRODO_API_HOST: '', WXT_TRODO_SITE_ID: '', WXT_TRODO_SITES: '' } });
  if (build.status !== 0) throw new Error('wxt build failed');
}
mkdirSync(OUT, { recursive: true });
const collector = await startCollector({ maxEvents: 250_000 });
const site = await startSiteServer(fileURLToPath(new URL('./site', import.meta.url)));
const ext = await launchWithExtension({ args: [LOOPBACK_ONLY_ARG], profileDir: process.env.BENCH_VIEWER_PROFILE || undefined });
try {
  await configure(ext.context, { apiHost: collector.url, siteId: 'bench-viewer' });
  const viewer = await measureViewer(ext.context, ext.extensionId, `${site.url}/bench.html`, () => collector.summary().accepted, log, join(OUT, 'popup-100k.png'), process.env.BENCH_VIEWER_FILLED === '1');
  writeFileSync(join(OUT, 'viewer.json'), `${JSON.stringify(viewer, null, 2)}\n`);
  console.log(`\n${renderViewer(viewer)}`);
  log(`done; wrote ${OUT}/viewer.json and ${OUT}/popup-100k.png`);
} finally {
  await ext.context.close();
  await Promise.allSettled([collector.close(), site.close()]);
}
