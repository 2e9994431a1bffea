import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { isPlainObject } from '../json';
import { readPlanText } from '../plan/read';
import { collectorClient } from '../testing/collector-client';
import type { WireEvent } from '../wire/events';
import { junitXml } from './junit';
import { renderVerdict, verdict } from './verdict';

export const VERIFY_USAGE = `trodo-qa verify --plan plan.json (--collector URL | --events file.ndjson)
                [--require a,b,c] [--junit report.xml] [--token T]
Checks a run's events against a tracking plan. Exit code 0: no violation and every
required event seen; 1: a violation or a required event missing; 2: bad arguments or input.`;

export interface VerifyIo {
  out(text: string): void;
  err(text: string): void;
  env: Record<string, string | undefined>;
}

/** `trodo-qa verify`: prints coverage and violations, writes JUnit XML, returns the exit code. */
export async function verifyMain(argv: string[], io: VerifyIo): Promise<number> {
  let values: { plan?: string; collector?: string; events?: string; require?: string; junit?: string; token?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { plan: { type: 'string' }, collector: { type: 'string' }, events: { type: 'string' }, require: { type: 'string' }, junit: { type: 'string' }, token: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
    }));
  } catch (error) {
    return usage(io, (error as Error).message);
  }
  if (values.help) return io.out(VERIFY_USAGE), 0;
  if (!values.plan) return usage(io, '--plan is required');
  if (!values.collector === !values.events) return usage(io, 'give one of --collector URL or --events file.ndjson');

  let planText: string;
  try {
    planText = await readFile(values.plan, 'utf8');
  } catch (error) {
    return fail(io, `${values.plan}: ${(error as Error).message}`);
  }
  const loaded = readPlanText(planText);
  if (!loaded.ok) return fail(io, `${values.plan}: ${loaded.error}`);

  let events: WireEvent[];
  try {
    events = values.events ? await readEventsFile(values.events) : await collectorClient(values.collector!, values.token ?? io.env.COLLECTOR_TOKEN).events();
  } catch (error) {
    return fail(io, (error as Error).message);
  }
  const require = (values.require ?? '').split(',').map((n) => n.trim()).filter(Boolean);
  const result = verdict(loaded.plan, events, require);
  io.out(renderVerdict(result, require));
  if (values.junit) {
    await writeFile(values.junit, junitXml(result, require));
    io.out(`JUnit XML: ${values.junit}`);
  }
  return result.ok ? 0 : 1;
}

/**
 * NDJSON of events: the collector's data file (`{ event, siteId, receivedAt }` per line) or
 * bare wire events. A line that is neither names its number.
 */
export async function readEventsFile(path: string): Promise<WireEvent[]> {
  const text = await readFile(path, 'utf8');
  const events: WireEvent[] = [];
  text.split('\n').forEach((line, index) => {
    if (!line.trim()) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new Error(`${path}:${index + 1}: not JSON`);
    }
    const event = isPlainObject(value) && isPlainObject(value.event) ? value.event : value;
    if (!isPlainObject(event) || typeof event.event_name !== 'string') throw new Error(`${path}:${index + 1}: not an event (no event_name)`);
    events.push(event as unknown as WireEvent);
  });
  return events;
}

function usage(io: VerifyIo, message: string): number {
  io.err(`${message}\n\n${VERIFY_USAGE}`);
  return 2;
}

function fail(io: VerifyIo, message: string): number {
  io.err(message);
  return 2;
}
