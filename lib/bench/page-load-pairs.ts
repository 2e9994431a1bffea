import { mkdirSync, rmSync, cpSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startCollector } from '../collector/server';
import { launchWithExtension, launchWithoutExtension } from '../demo/browser';
import { startSiteServer } from '../demo/site-server';
import { configure } from './extension';
import { LOOPBACK_ONLY_ARG } from './network-guard';
import { measureScriptCost } from './page-script-cost';
import { measurePageTiming, type Paired } from './page-timing';
import { round } from './stats';

/**
 * `npx tsx lib/bench/page-load-pairs.ts [--ext dir] [--control dir] [--pairs 20]`: only the
 * two page-load rows of the bench (load event end and domInteractive added) and the
 * extension scripts' main-thread CPU per load, in well under a minute. `--control` compares against another build instead of no extension at all, for
 * bisecting what the document_start scripts cost (a variant whose scripts do nothing is the floor).
 */
const { values } = parseArgs({
  options: { ext: { type: 'string', default: '.output/chrome-mv3' }, control: { type: 'string' }, pairs: { type: 'string', default: '20' } },
});
const SITE = join('bench-results', '.site-page-load');
rmSync(SITE, { recursive: true, force: true });
mkdirSync(SITE, { recursive: true });
cpSync(fileURLToPath(new URL('./site', import.meta.url)), SITE, { recursive: true });

const collector = await startCollector({ maxEvents: 10_000 });
const site = await startSiteServer(SITE);
const ext = await launchWithExtension({ extensionDir: resolve(values.ext), args: [LOOPBACK_ONLY_ARG] });
const control = values.control
  ? (await launchWithExtension({ extensionDir: resolve(values.control), args: [LOOPBACK_ONLY_ARG] })).context
  : (await launchWithoutExtension({ args: [LOOPBACK_ONLY_ARG] })).context;
await configure(ext.context, { apiHost: collector.url, siteId: 'bench-site' });
const ms = (value: number) => `${round(value, 1)} ms`;
const pair = (p: Paired) => `${p.added >= 0 ? '+' : ''}${ms(p.added)} (IQR ${ms(p.spread[0])} … ${ms(p.spread[1])}; ${ms(p.medianWith)} with, ${ms(p.medianWithout)} without)`;

try {
  const timing = await measurePageTiming(ext.context, control, `${site.url}/load.html`, Number(values.pairs));
  console.log(`page load added (load event end, ${values.pairs} pairs): ${pair(timing.load)}`);
  console.log(`domInteractive added: ${pair(timing.domInteractive)}`);
  const cost = await measureScriptCost(ext.context, `${site.url}/load.html`);
  console.log(`extension scripts' main-thread CPU per load (median of ${cost.loads}): ${ms(cost.beforeDomInteractive)} before domInteractive, ${ms(cost.domInteractiveToLoad)} to load end, ${ms(cost.previousPageUnload)} in the previous page's unload`);
} finally {
  await Promise.allSettled([ext.context.close(), control.close()]);
  await Promise.allSettled([collector.close(), site.close()]);
}
