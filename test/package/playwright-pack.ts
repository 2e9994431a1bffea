import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = new URL('../..', import.meta.url).pathname;
const run = (cmd: string, args: string[], cwd: string, env: Record<string, string> = {}) =>
  execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000, env: { ...process.env, ...env } });

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

// The tiny site under test: a cart page whose Pay button tracks checkout_completed.
const SITE = `import { createServer } from 'node:http';
const page = '<!doctype html><html><head><meta charset="utf-8"><title>Cart</title></head><body><button id="pay">Pay</button>' +
  '<script>document.getElementById("pay").addEventListener("click", () => window.Trodo.track("checkout_completed", { amount_cents: 5800, currency: "usd" }));</script></body></html>';
createServer((req, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end(page)).listen(Number(process.env.SITE_PORT), '127.0.0.1');
`;

const CONFIG = `import { defineConfig } from '@playwright/test';
const url = 'http://127.0.0.1:' + process.env.SITE_PORT;
export default defineConfig({
  testDir: '.', workers: 1, timeout: 60_000, expect: { timeout: 10_000 },
  use: { baseURL: url },
  webServer: { command: 'node site.mjs', url: url + '/cart', reuseExistingServer: false },
});
`;

// The README's example, against the user's own baseURL.
const SPEC = `import { test, expect } from 'trodo-qa/playwright';

test('checkout is tracked', async ({ page, trodo }) => {
  await page.goto('/cart');
  await page.getByRole('button', { name: 'Pay' }).click();
  await expect(trodo).toHaveTracked('checkout_completed', { amount_cents: 5800 });
  await expect(trodo).not.toHaveTracked('checkout_failed');
});

test.describe('with the plan', () => {
  test.use({ trodoOptions: { plan: 'plan.json' } });
  test('checkout keeps to the plan', async ({ page, trodo }) => {
    await page.goto('/cart');
    await page.getByRole('button', { name: 'Pay' }).click();
    await expect(trodo).toMatchPlan({ require: ['checkout_completed'] });
  });
});

test('a wrong amount fails, showing the property diff', async ({ page, trodo }) => {
  test.fail();
  await page.goto('/cart');
  await page.getByRole('button', { name: 'Pay' }).click();
  await expect(trodo).toHaveTracked('checkout_completed', { amount_cents: 9900 }, { timeout: 1500 });
});
`;

const PLAN = { name: 'Shop', version: '1', events: { checkout_completed: { properties: { amount_cents: { type: 'integer', minimum: 0 }, currency: { enum: ['usd', 'eur'] } }, required: ['amount_cents'] } } };

interface JsonReport {
  stats: { expected: number; unexpected: number; flaky: number; skipped: number };
  suites: Suite[];
}
interface Suite {
  specs: { title: string; tests: { expectedStatus: string; status: string; results: { status: string; error?: { message?: string } }[] }[] }[];
  suites?: Suite[];
}
const specsOf = (suites: Suite[]): Suite['specs'] => suites.flatMap((s) => [...s.specs, ...specsOf(s.suites ?? [])]);

/**
 * The package as a user gets it: built (extension included), packed, installed into a fresh
 * project, and run there by Playwright on Node with no tsx and no access to this repository.
 * @playwright/test is the user's own (an optional peer); here it is linked from this repo's
 * node_modules, as the machine has no other copy of it offline.
 *
 * Called from test/node/package.test.ts: both build into dist/ and pack it, so they must run
 * one after the other, which only tests of one file do.
 */
export const describePlaywrightPack = () => describe('the trodo-qa tarball in another project: trodo-qa/playwright and the trodo-qa command', () => {
  let dir: string;
  let app: string;

  beforeAll(() => {
    run('npm', ['run', 'build:package'], root);
    dir = mkdtempSync(join(tmpdir(), 'trodo-qa-pw-pack-'));
    const [packed] = JSON.parse(run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], root)) as { filename: string }[];
    app = join(dir, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'shop-tests', version: '1.0.0', type: 'module', private: true }));
    run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--legacy-peer-deps', join(dir, packed!.filename)], app);
    symlinkSync(join(root, 'node_modules/@playwright'), join(app, 'node_modules/@playwright'), 'dir');
    writeFileSync(join(app, 'site.mjs'), SITE);
    writeFileSync(join(app, 'playwright.config.mjs'), CONFIG);
    writeFileSync(join(app, 'checkout.spec.ts'), SPEC);
    writeFileSync(join(app, 'plan.json'), JSON.stringify(PLAN));
  }, 600_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('runs a three-test Playwright suite: toHaveTracked, toMatchPlan, and an expected failure showing the property diff', async () => {
    const report = join(dir, 'report.json');
    const result = spawnSync(process.execPath, [join(app, 'node_modules/@playwright/test/cli.js'), 'test', '--reporter=json'], {
      cwd: app,
      encoding: 'utf8',
      timeout: 300_000,
      env: { ...process.env, SITE_PORT: String(await freePort()), PLAYWRIGHT_JSON_OUTPUT_NAME: report, TRODO_EXTENSION_DIR: '' },
    });
    expect(result.status, result.stderr).toBe(0);
    const json = JSON.parse(readFileSync(report, 'utf8')) as JsonReport;
    expect(json.stats).toMatchObject({ expected: 3, unexpected: 0, flaky: 0, skipped: 0 });
    const specs = specsOf(json.suites);
    expect(specs.map((s) => s.title).sort()).toEqual(['a wrong amount fails, showing the property diff', 'checkout is tracked', 'checkout keeps to the plan']);
    const failing = specs.find((s) => s.title.startsWith('a wrong amount'))!.tests[0]!;
    expect(failing.expectedStatus).toBe('failed');
    const message = failing.results[0]!.error?.message ?? '';
    expect(message).toContain('No matching "checkout_completed" event was received.');
    expect(message).toContain('custom_properties.amount_cents: expected 9900, received 5800');
  }, 300_000);

  it('type-checks the suite against the package’s declarations (NodeNext resolution)', () => {
    writeFileSync(join(app, 'types-check.ts'), `
      import { startCollector, type Collector } from 'trodo-qa/collector';
      import { test, expect, type Trodo, type ExtensionStatus } from 'trodo-qa/playwright';
      const started: Promise<Collector> = startCollector({ port: 0 });
      test('t', async ({ trodo }) => {
        const t: Trodo = trodo;
        const s: ExtensionStatus = await t.status();
        await expect(t).toHaveTracked('a', { b: 1 }, { times: 1, timeout: 10 });
        await expect(t).toMatchPlan({ require: ['a'] });
        void s; void started;
      });
    `);
    const tsc = join(root, 'node_modules/typescript/bin/tsc');
    const args = ['--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--lib', 'es2023,dom', '--skipLibCheck', '--typeRoots', join(root, 'node_modules/@types'), '--types', 'node', 'types-check.ts', 'checkout.spec.ts'];
    expect(() => run(process.execPath, [tsc, ...args], app)).not.toThrow();
  }, 60_000);

  it('installs the trodo-qa command: verify exits 1 on a violation and 0 without', () => {
    const event = (amount: number) => JSON.stringify({ event_id: `e${amount}`, event_name: 'checkout_completed', event_type: 'custom', event_category: 'custom', custom_properties: { amount_cents: amount } });
    writeFileSync(join(app, 'bad.ndjson'), `${event(5800)}\n${event(-1)}\n`);
    writeFileSync(join(app, 'good.ndjson'), `${event(5800)}\n`);
    const bin = join(app, 'node_modules/.bin/trodo-qa');
    const bad = spawnSync(bin, ['verify', '--plan', 'plan.json', '--events', 'bad.ndjson', '--junit', 'report.xml'], { cwd: app, encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain('checkout_completed (e-1): $.properties.amount_cents out_of_range');
    expect(readFileSync(join(app, 'report.xml'), 'utf8')).toContain('failures="1"');
    const good = spawnSync(bin, ['verify', '--plan', 'plan.json', '--events', 'good.ndjson', '--require', 'checkout_completed'], { cwd: app, encoding: 'utf8' });
    expect(good.stderr).toBe('');
    expect(good.status).toBe(0);
  }, 60_000);

  it('installs the trodo-qa command: collector starts the collector, with a plan', async () => {
    const child = spawn(join(app, 'node_modules/.bin/trodo-qa'), ['collector', '--port', '0', '--data', join(dir, 'events.ndjson'), '--plan', 'plan.json'], { cwd: app, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let out = '';
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk;
          const found = /events:\s+GET\s+(http:\/\/127\.0\.0\.1:\d+)\/__collector\/events/.exec(out);
          if (found && out.includes('plan:')) resolve(found[1]!);
        });
        child.on('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
      });
      expect(out).toContain('plan:     Shop v1 (plan.json)');
      const violations = (await (await fetch(`${url}/__collector/violations`)).json()) as { plan: { name: string } };
      expect(violations.plan.name).toBe('Shop');
    } finally {
      child.kill('SIGTERM');
    }
  }, 60_000);
});
