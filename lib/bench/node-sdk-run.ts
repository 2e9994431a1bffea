import { Analytics } from '@segment/analytics-node';
import { PostHog } from 'posthog-node';
import { createTrodo } from '../node/index';

/**
 * One Node SDK's run, in a process of its own (`tsx lib/bench/node-sdk-run.ts <sdk> <host>
 * <events> <batch>`): `events` track() calls as fast as the loop goes, then flush until all
 * are delivered; prints one JSON line. The parent counts what arrived.
 */
export interface NodeSdkRun {
  sdk: string;
  events: number;
  batchSize: number;
  /** µs per track() call, the loop of all events. */
  trackUs: number;
  /** From the first track() call to the end of the flush. */
  totalMs: number;
  flushMs: number;
  /** RSS after the loop (all events queued) minus before, MiB. */
  rssGrowthMiB: number;
}

interface Sdk {
  track(i: number): void;
  flush(): Promise<unknown>;
}

const properties = (i: number) => ({ i, plan: 'pro', source: 'bench', amount_cents: 9999 });
const user = (i: number) => `user-${i % 100}`;

function open(sdk: string, host: string, events: number, batch: number): Sdk {
  switch (sdk) {
    case 'trodo-qa': {
      const client = createTrodo({ siteId: 'bench-site', apiHost: host, batchEnabled: true, batchSize: batch, maxQueueSize: events * 2, maxQueueBytes: 1024 ** 3 });
      return { track: (i) => void client.track(user(i), 'bench_event', properties(i)), flush: () => client.shutdown({ timeoutMs: 120_000 }) };
    }
    case 'posthog-node': {
      const client = new PostHog('phc_bench', { host, flushAt: batch, maxBatchSize: batch, maxQueueSize: events * 2, flushInterval: 5000, disableGeoip: true });
      return { track: (i) => client.capture({ distinctId: user(i), event: 'bench_event', properties: properties(i) }), flush: () => client.shutdown(120_000) };
    }
    case '@segment/analytics-node': {
      const client = new Analytics({ writeKey: 'bench', host, maxEventsInBatch: batch, flushInterval: 5000 });
      return { track: (i) => client.track({ userId: user(i), event: 'bench_event', properties: properties(i) }), flush: () => client.closeAndFlush({ timeout: 120_000 }) };
    }
    default:
      throw new Error(`unknown sdk ${sdk}`);
  }
}

const [sdk = 'trodo-qa', host = '', count = '100000', batchArg = '100'] = process.argv.slice(2);
const events = Number(count);
const batchSize = Number(batchArg);
const client = open(sdk, host, events, batchSize);
globalThis.gc?.();
const rss0 = process.memoryUsage().rss;
const t0 = performance.now();
for (let i = 0; i < events; i++) client.track(i);
const t1 = performance.now();
const rss1 = process.memoryUsage().rss;
await client.flush();
const t2 = performance.now();
const run: NodeSdkRun = {
  sdk, events, batchSize,
  trackUs: ((t1 - t0) * 1000) / events,
  totalMs: t2 - t0,
  flushMs: t2 - t1,
  rssGrowthMiB: (rss1 - rss0) / 1024 / 1024,
};
console.log(JSON.stringify(run));
