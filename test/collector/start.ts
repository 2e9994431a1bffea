import { afterEach } from 'vitest';
import { startCollector, type Collector, type CollectorOptions } from '../../lib/collector/server';

const open: Collector[] = [];
// Registered by the test file that imports this module: every collector it started is closed after each test.
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()));
});

/** A collector on a free port, closed after the test. */
export async function start(options: CollectorOptions = {}): Promise<Collector> {
  const collector = await startCollector({ port: 0, ...options });
  open.push(collector);
  return collector;
}
