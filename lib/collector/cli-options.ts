import { parseArgs } from 'node:util';
import type { CollectorOptions } from './server';

export const USAGE = `npm run collector -- [--port 4318] [--host 127.0.0.1] [--data .collector/events.ndjson]
                       [--token T] [--allow-host NAME]... [--max-events 50000] [--plan plan.json]
Environment: COLLECTOR_PORT, COLLECTOR_HOST, COLLECTOR_DATA, COLLECTOR_TOKEN,
             COLLECTOR_ALLOW_HOSTS (comma-separated), COLLECTOR_MAX_EVENTS, COLLECTOR_PLAN.
Off loopback (--host 0.0.0.0, a LAN address) /__collector/* needs the token printed at start.`;

/**
 * The CLI's options from its arguments, falling back to the environment; flags win.
 * Throws an Error with a message for the user on anything it cannot use.
 */
export function cliOptions(argv: string[], env: Record<string, string | undefined>): Omit<CollectorOptions, 'plan'> & { dataFile: string; planFile?: string; help: boolean } {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      data: { type: 'string' },
      token: { type: 'string' },
      'allow-host': { type: 'string', multiple: true },
      'max-events': { type: 'string' },
      plan: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  const port = integer('port', values.port ?? env.COLLECTOR_PORT, 0, 65535) ?? 4318;
  const maxEvents = integer('max-events', values['max-events'] ?? env.COLLECTOR_MAX_EVENTS, 1, Number.MAX_SAFE_INTEGER);
  const token = values.token ?? env.COLLECTOR_TOKEN;
  if (token !== undefined && token.length < 16) throw new Error('--token must be at least 16 characters');
  const allowedHosts = values['allow-host'] ?? env.COLLECTOR_ALLOW_HOSTS?.split(',').map((h) => h.trim()).filter(Boolean) ?? [];
  const planFile = values.plan ?? env.COLLECTOR_PLAN;
  return {
    port,
    ...(planFile ? { planFile } : {}),
    host: values.host ?? env.COLLECTOR_HOST ?? '127.0.0.1',
    dataFile: values.data ?? env.COLLECTOR_DATA ?? '.collector/events.ndjson',
    ...(token === undefined ? {} : { token }),
    ...(maxEvents === undefined ? {} : { maxEvents }),
    allowedHosts,
    help: values.help ?? false,
  };
}

function integer(name: string, text: string | undefined, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) throw new Error(`--${name} must be a whole number from ${min} to ${max}, not ${JSON.stringify(text)}`);
  return value;
}
