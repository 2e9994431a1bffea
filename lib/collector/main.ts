import { mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { readPlanText } from '../plan/read';
import { cliOptions, USAGE } from './cli-options';
import { TOKEN_HEADER } from './guard';
import { startCollector } from './server';

/**
 * `npm run collector` and `trodo-qa collector` — the local collector, on 127.0.0.1 unless
 * told otherwise (see USAGE). Runs until SIGINT or SIGTERM.
 */
export async function collectorMain(argv: string[], env: Record<string, string | undefined>): Promise<void> {
  let options: ReturnType<typeof cliOptions>;
  try {
    options = cliOptions(argv, env);
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (options.help) {
    console.log(USAGE);
    process.exit(0);
  }
  mkdirSync(dirname(options.dataFile), { recursive: true });
  // A plan that does not load stops the collector: a run checked against no plan would pass.
  const planLoad = options.planFile ? readPlanText(readFileSync(options.planFile, 'utf8')) : null;
  if (planLoad && !planLoad.ok) {
    console.error(`${options.planFile}: ${planLoad.error}`);
    process.exit(1);
  }
  const plan = planLoad?.ok ? planLoad.plan : undefined;

  const collector = await startCollector({ ...options, plan, log: (line) => console.log(`[collector] ${line}`) });
  const { events, dropped } = collector.summary();
  console.log(`Trodo collector listening on ${options.host}:${collector.port} (events in ${options.dataFile}, ${events} held${dropped ? `, ${dropped} older ones not loaded` : ''})`);
  console.log(`  events:   GET  ${collector.url}/__collector/events`);
  if (plan) console.log(`  plan:     ${plan.name} v${plan.version} (${options.planFile}); GET ${collector.url}/__collector/violations`);
  console.log(`  faults:   POST ${collector.url}/__collector/faults  {"faults":[{"status":503,"times":5}]}`);
  if (collector.token) {
    console.log(`  token:    ${collector.token}`);
    console.log(`            required on /__collector/*: Authorization: Bearer <token> or ${TOKEN_HEADER}: <token>`);
  }
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void collector.close().then(() => process.exit(0)));
}
