import { afterEach } from 'vitest';
import { startCollector, type Collector } from '../../lib/collector/server';
import { createTrodo, type NodeOptions, type TrodoClient, type TrodoError } from '../../lib/node/index';

const open: Collector[] = [];
const clients: TrodoClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.shutdown({ timeoutMs: 1 })));
  await Promise.all(open.splice(0).map((c) => c.close()));
});

/** A real collector on 127.0.0.1 and a client of it; errors heard by onError are collected. */
export async function setup(options: Partial<NodeOptions> = {}) {
  const collector = await startCollector();
  open.push(collector);
  const errors: TrodoError[] = [];
  const client = createTrodo({ siteId: 'node-site', apiHost: collector.url, backoff: { baseMs: 20, capMs: 100 }, onError: (e) => errors.push(e), ...options });
  clients.push(client);
  return { collector, client, errors };
}

/** Waits for a condition (polling), failing after `ms`. */
export async function waitFor(condition: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
