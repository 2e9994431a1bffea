import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startCollector, type Collector } from '../../lib/collector/server';
import { runNode } from './child';

const root = new URL('../..', import.meta.url).pathname;
const readme = readFileSync(`${root}README.md`, 'utf8');
const section = readme.slice(readme.indexOf('## Server-side: Node'), readme.indexOf('\n## ', readme.indexOf('## Server-side: Node') + 1));
const blocks = [...section.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]!);
const script = `${root}test/node/.readme-examples.mjs`;
let collector: Collector;

beforeAll(async () => {
  collector = await startCollector();
});
afterAll(async () => {
  await collector.close();
  rmSync(script, { force: true });
});

// The README's examples, run as written, one after the other in one module; only the
// package name is mapped to the source (the tarball test covers the package itself).
it('the README\'s Node examples run as written and deliver what they say', async () => {
  expect(blocks.length).toBeGreaterThanOrEqual(2);
  writeFileSync(script, blocks.join('\n').replaceAll("'trodo-qa/node'", `'${root}lib/node/index.ts'`));
  const child = await runNode(['--import', 'tsx', script], { env: { TRODO_SITE_ID: 'readme-site', TRODO_API_HOST: collector.url }, timeoutMs: 60_000 });
  expect(child.stderr).toBe('');
  expect(child.code).toBe(0);
  expect(collector.events().map((e) => [e.event.event_name, e.event.user_id, e.event.event_category])).toEqual([
    ['job_completed', 'user-42', 'custom'],
    ['checkout_started', 'user-42', 'custom'],
    ['checkout_completed', 'user-42', 'custom'],
    ['risk_flag_raised', 'user-42', 'security'],
  ]);
  expect(collector.events().every((e) => e.siteId === 'readme-site')).toBe(true);
}, 90_000);
