import { startCollector } from './server';

/**
 * `npm run collector` — the local collector on 127.0.0.1.
 * Environment: COLLECTOR_PORT (default 4318), COLLECTOR_DATA (default .collector/events.ndjson).
 */
const port = Number(process.env.COLLECTOR_PORT ?? 4318);
const dataFile = process.env.COLLECTOR_DATA ?? '.collector/events.ndjson';

const { mkdirSync } = await import('node:fs');
const { dirname } = await import('node:path');
mkdirSync(dirname(dataFile), { recursive: true });

const collector = await startCollector({ port, dataFile, log: (line) => console.log(`[collector] ${line}`) });
console.log(`Trodo collector listening on ${collector.url} (events in ${dataFile}, ${collector.events().length} already stored)`);
console.log(`  events:   GET  ${collector.url}/__collector/events`);
console.log(`  faults:   POST ${collector.url}/__collector/faults  {"faults":[{"status":503,"times":5}]}`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void collector.close().then(() => process.exit(0)));
