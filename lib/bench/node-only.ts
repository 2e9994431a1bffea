import { mkdirSync, writeFileSync } from 'node:fs';
import { startCollector } from '../collector/server';
import { describeMachine } from './machine';
import { measureNodeSdks, renderNodeSdks } from './node-sdks';
import { startSink } from './sink';

/** `npm run bench:node`: only the Node SDK section of `npm run bench` (no browser, about a minute). */
const collector = await startCollector();
const sink = await startSink();
try {
  const machine = describeMachine();
  const results = await measureNodeSdks(collector, sink, (m) => console.log(`[bench:node] ${m}`));
  mkdirSync('bench-results', { recursive: true });
  writeFileSync('bench-results/node.json', `${JSON.stringify({ machine, results }, null, 2)}\n`);
  console.log(`\nMachine: ${machine.cores} cores, ${machine.cpu} · Node ${machine.node} · load average ${machine.loadAtStart} at start\n\n${renderNodeSdks(results)}`);
} finally {
  await Promise.allSettled([collector.close(), sink.close()]);
}
