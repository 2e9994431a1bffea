import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCollector, type Collector } from '../../lib/collector/server';
import { describePlaywrightPack } from '../package/playwright-pack';
import { runNode } from './child';

const root = new URL('../..', import.meta.url).pathname;
const run = (cmd: string, args: string[], cwd: string) => execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 180_000 });

// The package as a user gets it: built, packed, installed into another project without the
// registry (it has no runtime dependency), imported by plain JavaScript on this Node.
describe('the trodo-qa tarball', () => {
  let dir: string;
  let tarball: string;
  let collector: Collector;

  beforeAll(async () => {
    run('npm', ['run', 'build:node'], root);
    dir = mkdtempSync(join(tmpdir(), 'trodo-qa-pack-'));
    const [packed] = JSON.parse(run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], root)) as { filename: string; files: { path: string }[] }[];
    tarball = join(dir, packed!.filename);
    writeFileSync(join(dir, 'files.json'), JSON.stringify(packed!.files.map((f) => f.path)));
    const app = join(dir, 'app');
    run('mkdir', ['-p', app], dir);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', type: 'module', private: true }));
    run('npm', ['install', '--offline', '--no-audit', '--no-fund', tarball], app);
    collector = await startCollector();
  }, 240_000);
  // Each step below runs Node or tsc; the machine may be loaded.
  const slow = 60_000;

  afterAll(async () => {
    await collector?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('holds the compiled SDK and its declarations, not the sources, and has no runtime dependency', () => {
    const files = JSON.parse(readFileSync(join(dir, 'files.json'), 'utf8')) as string[];
    expect(files).toContain('dist/node/index.js');
    expect(files).toContain('dist/types/lib/node/index.d.ts');
    expect(files.filter((f) => f.startsWith('lib/') || f.startsWith('entrypoints/'))).toEqual([]);
    const installed = JSON.parse(readFileSync(join(dir, 'app/node_modules/trodo-qa/package.json'), 'utf8')) as Record<string, unknown>;
    expect(installed.dependencies).toBeUndefined();
    expect(installed.name).toBe('trodo-qa');
  });

  it('runs from plain JavaScript on Node and delivers to the collector', async () => {
    const script = `
      import trodo, { createTrodo } from 'trodo-qa/node';
      const apiHost = process.env.HOST;
      trodo.init({ siteId: 'pack-site', apiHost });
      const sent = await trodo.track('user-42', 'signup_completed', { plan: 'pro' });
      const batch = createTrodo({ siteId: 'pack-site', apiHost, batchEnabled: true });
      const alice = batch.forUser('alice');
      await alice.track('job_completed', { duration_seconds: 36 }, { category: 'lifecycle' });
      await alice.people.set({ plan: 'pro' });
      console.log(JSON.stringify({ sent, flushed: await batch.shutdown() }));
    `;
    writeFileSync(join(dir, 'app/script.mjs'), script);
    const child = await runNode(['script.mjs'], { cwd: join(dir, 'app'), env: { HOST: collector.url } });
    expect(child.stderr).toBe('');
    expect(child.code).toBe(0);
    const out = JSON.parse(child.stdout);
    expect(out.sent.success).toBe(true);
    // alice: session record, event, people.set
    expect(out.flushed).toEqual({ sent: 3, failed: 0, dropped: 0, pending: 0 });
    expect(collector.events().map((e) => [e.event.event_name, e.event.user_id, e.event.event_category, e.siteId])).toEqual([
      ['signup_completed', 'user-42', 'custom', 'pack-site'],
      ['job_completed', 'alice', 'lifecycle', 'pack-site'],
    ]);
    expect(collector.calls().map((c) => c.path)).toEqual(['/api/sdk/track', '/api/sdk/track', '/api/sdk/people/set']);
  }, slow);

  it('type-checks a TypeScript consumer against the declarations (NodeNext resolution)', () => {
    writeFileSync(join(dir, 'app/consumer.ts'), `
      import trodo, { createTrodo, type FlushResult, type NodeOptions } from 'trodo-qa/node';
      const options: NodeOptions = { siteId: 's', batchEnabled: true };
      trodo.init(options);
      const r: Promise<FlushResult> = createTrodo(options).flush();
      void trodo.forUser('u').track('e', { a: 1 }, { category: 'c' });
      void r;
    `);
    const tsc = join(root, 'node_modules/typescript/bin/tsc');
    const args = ['--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--skipLibCheck', 'false', '--typeRoots', join(root, 'node_modules/@types'), '--types', 'node', 'consumer.ts'];
    expect(() => run(process.execPath, [tsc, ...args], join(dir, 'app'))).not.toThrow();
  }, slow);
});

describePlaywrightPack();
