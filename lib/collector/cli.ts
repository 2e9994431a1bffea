import { readFileSync } from 'node:fs';
import { readPlanText } from '../plan/read';
import { startCollector } from './server';

/**
 * `npm run collector [-- --plan plan.json]` — the local collector on 127.0.0.1.
 * Environment: COLLECTOR_PORT (default 4318), COLLECTOR_DATA (default .collector/events.ndjson),
 * COLLECTOR_PLAN (a tracking plan to check events against; `--plan` wins).
 */
const port = Number(process.env.COLLECTOR_PORT ?? 4318);
const dataFile = process.env.COLLECTOR_DATA ?? '.collector/events.ndjson';
const planArg = process.argv.indexOf('--plan');
const planFile = planArg >= 0 ? process.argv[planArg + 1] : process.env.COLLECTOR_PLAN;
const planLoad = planFile ? readPlanText(readFileSync(planFile, 'utf8')) : null;
if (planLoad && !planLoad.ok) {
  console.error(`${planFile}: ${planLoad.error}`);
  process.exit(1);
}
const plan = planLoad?.ok ? planLoad.plan : undefined;

const { mkdirSync } = await import('node:fs');
const { dirname } = await import('node:path');
mkdirSync(dirname(dataFile), { recursive: true });

const collector = await startCollector({ port, dataFile, plan, log: (line) => console.log(`[collector] ${line}`) });
console.log(`Trodo collector listening on ${collector.url} (events in ${dataFile}, ${collector.events().length} already stored)`);
console.log(`  events:   GET  ${collector.url}/__collector/events`);
if (plan) console.log(`  plan:     ${plan.name} v${plan.version} (${planFile}); GET ${collector.url}/__collector/violations`);
console.log(`  faults:   POST ${collector.url}/__collector/faults  {"faults":[{"status":503,"times":5}]}`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void collector.close().then(() => process.exit(0)));
