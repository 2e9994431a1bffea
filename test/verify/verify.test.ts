import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startCollector, type Collector } from '../../lib/collector/server';
import { verifyMain } from '../../lib/verify/main';
import { toWireEvent, type WireEvent } from '../../lib/wire/events';
import { makeEvent } from '../helpers';
import { ACME } from '../plan/fixtures';

const dir = mkdtempSync(join(tmpdir(), 'trodo-verify-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const open: Collector[] = [];
afterEach(async () => void (await Promise.all(open.splice(0).map((c) => c.close()))));

const planFile = join(dir, 'plan.json');
writeFileSync(planFile, JSON.stringify(ACME));

const good = [
  toWireEvent(makeEvent({ name: 'checkout_completed', category: 'billing', properties: { amount_cents: 5800, currency: 'usd' } })),
  toWireEvent(makeEvent({ name: 'signup_completed', properties: { plan: 'pro' } })),
];
const bad = [...good, toWireEvent(makeEvent({ name: 'checkout_completed', category: 'billing', properties: { amount_cents: -5, currency: 'gbp' } }))];

/** As the collector's data file holds them, one `{ event, siteId, receivedAt }` a line. */
function ndjson(name: string, events: WireEvent[]) {
  const file = join(dir, name);
  writeFileSync(file, events.map((event) => JSON.stringify({ event, siteId: 's', receivedAt: 1 })).join('\n') + '\n');
  return file;
}

async function run(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await verifyMain(args, { out: (t) => out.push(t), err: (t) => err.push(t), env: {} });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('trodo-qa verify', () => {
  it('passes (exit 0) an events file without violations, and writes JUnit with no failure', async () => {
    const junit = join(dir, 'pass.xml');
    const result = await run(['--plan', planFile, '--events', ndjson('good.ndjson', good), '--require', 'checkout_completed', '--junit', junit]);
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(result.out).toContain('Plan Acme web v3: 2 of 4 planned events seen, 0 with violations (2 events checked)');
    expect(result.out).toContain('✓ checkout_completed: seen 1 (required)');
    expect(result.out).toContain('Verdict: PASS');
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toContain('<testsuites name="trodo-qa verify" tests="4" failures="0" skipped="2">');
    expect(xml).toContain('<testcase classname="trodo-qa.Acme web" name="checkout_completed"/>');
    expect(xml).toContain('<testcase classname="trodo-qa.Acme web" name="invoice_paid">\n      <skipped message="not seen in this run"/>');
  });

  it('fails (exit 1) on a violation, naming it in the log and in a JUnit failure', async () => {
    const junit = join(dir, 'fail.xml');
    const result = await run(['--plan', planFile, '--events', ndjson('bad.ndjson', bad), '--junit', junit]);
    expect(result.code).toBe(1);
    expect(result.out).toContain(`checkout_completed (${bad[2]!.event_id}): $.properties.amount_cents out_of_range`);
    expect(result.out).toContain('Verdict: FAIL (1 events broke the plan)');
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toContain('tests="4" failures="1"');
    expect(xml).toMatch(/name="checkout_completed">\n\s+<failure type="tracking-plan" message="1 events broke the plan">[^<]*\$\.properties\.currency not_in_enum: expected one of[^<]*<\/failure>/);
  });

  it('fails (exit 1) when a required event is missing, in the plan or not', async () => {
    const junit = join(dir, 'missing.xml');
    const result = await run(['--plan', planFile, '--events', ndjson('good2.ndjson', good), '--require', 'invoice_paid,refund_issued', '--junit', junit]);
    expect(result.code).toBe(1);
    expect(result.out).toContain('Verdict: FAIL (required not seen: invoice_paid, refund_issued)');
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toContain('failures="2"');
    expect(xml).toContain('name="refund_issued">\n      <failure type="tracking-plan" message="required but not seen">');
  });

  it('reads the events from a running collector', async () => {
    const collector = await startCollector({ port: 0 });
    open.push(collector);
    await fetch(`${collector.url}/api/events/bulk`, { method: 'POST', headers: { 'X-Trodo-Site-Id': 's' }, body: JSON.stringify({ events: bad }) });
    const result = await run(['--plan', planFile, '--collector', collector.url]);
    expect(result.code).toBe(1);
    expect(result.out).toContain('(3 events checked)');
  });

  it('exits 2 on bad arguments, a plan that does not load, or unreadable events', async () => {
    expect((await run(['--events', 'x'])).code).toBe(2);
    expect((await run(['--plan', planFile])).err).toContain('give one of --collector URL or --events file.ndjson');
    const badPlan = join(dir, 'bad-plan.json');
    writeFileSync(badPlan, '{"name": "x", "version": "1", "events": []}');
    const planResult = await run(['--plan', badPlan, '--events', ndjson('g.ndjson', good)]);
    expect(planResult.code).toBe(2);
    expect(planResult.err).toContain('$.events');
    const junk = join(dir, 'junk.ndjson');
    writeFileSync(junk, '{"event_name":"a"}\nnot json\n');
    expect(await run(['--plan', planFile, '--events', junk])).toMatchObject({ code: 2, err: `${junk}:2: not JSON` });
  });
});
