import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Collector } from '../collector/server';
import type { NodeSdkRun } from './node-sdk-run';
import type { startSink } from './sink';

/** One Node SDK's figures, with what reached the server counted by the server. */
export interface NodeSdkResult extends Partial<NodeSdkRun> {
  sdk: string;
  version: string;
  /** Events delivered per second: all events / (first track() → flush done). */
  eventsPerSecond: number;
  received: number;
  unique: number;
  error?: string;
}

export const NODE_SDKS = ['trodo-qa', 'posthog-node', '@segment/analytics-node'] as const;
export const NODE_EVENTS = 100_000;
/** The same batch size for every SDK (ours defaults to 50, PostHog's flushAt to 20, Segment's to 15). */
export const NODE_BATCH = 500;
/** Bound on one SDK's run, so that the bench ends even if an SDK hangs. */
const RUN_TIMEOUT_MS = 180_000;

const runner = fileURLToPath(new URL('./node-sdk-run.ts', import.meta.url));

function version(pkg: string): string {
  if (pkg === 'trodo-qa') return 'ours';
  return (JSON.parse(readFileSync(new URL(`../../node_modules/${pkg}/package.json`, import.meta.url), 'utf8')) as { version: string }).version;
}

function runChild(sdk: string, host: string): Promise<{ run?: NodeSdkRun; error?: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', runner, sdk, host, String(NODE_EVENTS), String(NODE_BATCH)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.stderr.on('data', (d: Buffer) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
    child.on('exit', (code) => {
      clearTimeout(timer);
      const line = out.trim().split('\n').at(-1) ?? '';
      if (code === 0 && line.startsWith('{')) resolve({ run: JSON.parse(line) as NodeSdkRun });
      else resolve({ error: `exit ${code}: ${err.trim().split('\n').slice(-3).join(' ') || 'no output'}` });
    });
  });
}

/**
 * The Node SDKs side by side: each in a fresh process of its own, 100 000 batched track()
 * calls then a flush until all are delivered. Ours sends to the collector (which validates
 * and dedupes every event), the peers to the sink (which counts the events in their batch bodies).
 */
export async function measureNodeSdks(collector: Collector, sink: Awaited<ReturnType<typeof startSink>>, log: (m: string) => void): Promise<NodeSdkResult[]> {
  const results: NodeSdkResult[] = [];
  for (const sdk of NODE_SDKS) {
    collector.reset();
    sink.reset();
    log(`node sdk ${sdk}: ${NODE_EVENTS} events, batches of ${NODE_BATCH}…`);
    const { run, error } = await runChild(sdk, sdk === 'trodo-qa' ? collector.url : sink.url);
    const counted = sdk === 'trodo-qa'
      ? { received: collector.events().length + collector.duplicates(), unique: collector.events().filter((e) => e.event.event_name === 'bench_event').length }
      : sink.events();
    results.push({ sdk, version: version(sdk), ...run, eventsPerSecond: run ? NODE_EVENTS / (run.totalMs / 1000) : 0, ...counted, error });
  }
  return results;
}

/** The markdown table of the Node SDK section. */
export function renderNodeSdks(results: NodeSdkResult[]): string {
  const lines = [
    `### Node SDKs side by side (${NODE_EVENTS.toLocaleString('en')} events, batches of ${NODE_BATCH}, each SDK in its own process, to a server on 127.0.0.1)`,
    '',
    '| SDK | version | track() per call | events/s delivered (first call → flush done) | events/s during the flush | flush after the loop | delivered / unique / lost | RSS growth, all queued |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const r of results) {
    if (r.error) {
      lines.push(`| ${r.sdk} | ${r.version} | error: ${r.error} | | | | | |`);
      continue;
    }
    lines.push(`| ${r.sdk === 'trodo-qa' ? '**trodo-qa/node**' : `\`${r.sdk}\``} | ${r.version} | ${r.trackUs!.toFixed(2)} µs | ${r.eventsPerSecond.toFixed(0)} | ${(NODE_EVENTS / (r.flushMs! / 1000)).toFixed(0)} | ${r.flushMs!.toFixed(0)} ms | ${r.received} / ${r.unique} / ${NODE_EVENTS - r.unique} | ${r.rssGrowthMiB!.toFixed(1)} MiB |`);
  }
  lines.push('');
  lines.push('The loop is synchronous: every event is queued before the first is sent, so RSS growth is the cost of 100 000 queued events. Ours is counted by the collector (which validates and dedupes each event); the peers by the sink, which counts the events of their batch bodies (delivered counts retried duplicates, unique does not).');
  return `${lines.join('\n')}\n`;
}
