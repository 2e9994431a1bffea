import { describe, expect, it } from 'vitest';
import { compilePlan, planKey } from '../../lib/plan/check';
import { subjectOfEvent } from '../../lib/plan/subject';
import type { TrodoEvent } from '../../lib/event';
import { applyMessage, INITIAL_MODEL } from '../../lib/viewer/model';
import { planCoverage } from '../../lib/viewer/plan-view';
import { qaReport } from '../../lib/viewer/report';
import { toWireEvent } from '../../lib/wire/events';
import { T0, makeEvent, makeRecord } from '../helpers';
import { ACME } from '../plan/fixtures';
import { viewOf } from './view-of';

const plan = compilePlan(ACME);
const loaded = { plan: ACME, key: planKey(ACME), source: 'file acme.json', loadedAt: T0 };
const checked = (event: TrodoEvent, tabId = 1) => {
  const check = plan.check(subjectOfEvent(event));
  return makeRecord(event, { tabId, ...(check ? { plan: check } : {}) });
};
const good = checked(makeEvent({ name: 'checkout_completed', category: 'billing', time: T0, properties: { amount_cents: 100 } }));
const bad = checked(makeEvent({ name: 'checkout_completed', category: 'billing', time: T0 + 1000, properties: { amount_cents: -1 } }), 2);
const unplanned = checked(makeEvent({ name: 'promo_clicked', time: T0 + 2000 }));
const records = [unplanned, bad, good];

describe('the viewer and the plan', () => {
  it('"violations only" keeps the events that break the plan', async () => {
    expect(await viewOf(records, { currentTab: false, violations: true })).toEqual(['promo_clicked', 'checkout_completed']);
    expect(await viewOf(records, { currentTab: false, violations: true, name: 'checkout_completed' })).toEqual(['checkout_completed']);
  });

  it('counts coverage for this tab and for all', () => {
    const row = planCoverage(ACME, records, 1).planned.find((p) => p.name === 'checkout_completed');
    expect(row).toMatchObject({ seenHere: 1, seenAll: 2, withViolations: 1 });
  });

  it('keeps the plan and a refusal in the model', () => {
    const model = applyMessage(applyMessage(INITIAL_MODEL, { type: 'plan-rejected', error: 'The plan is not JSON.' }), { type: 'plan', plan: loaded });
    expect(model).toMatchObject({ plan: loaded, planError: null });
    expect(applyMessage(model, { type: 'plan-rejected', error: 'bad' })).toMatchObject({ plan: loaded, planError: 'bad' });
  });
});

describe('the QA report', () => {
  const report = qaReport(loaded, records, { browser: 'Chromium 156', extensionVersion: '0.1.0', now: T0 + 5000 });

  it('JSON: plan version, browser, extension, time span, coverage, each violation with an example', () => {
    const json = JSON.parse(report.json);
    expect(json).toMatchObject({
      plan: { name: 'Acme web', version: '3', source: 'file acme.json' },
      browser: 'Chromium 156',
      extensionVersion: '0.1.0',
      events: 3,
      span: { from: new Date(T0).toISOString(), to: new Date(T0 + 2000).toISOString() },
      coverage: { summary: '1 of 4 planned events seen, 1 with violations', notSeen: ['signup_completed', 'invoice_paid', 'page_view'], unplanned: [{ name: 'promo_clicked', count: 1 }] },
    });
    expect(json.violations).toEqual([
      { event: 'checkout_completed', kind: 'out_of_range', path: '$.properties.amount_cents', expected: '≥ 0', actual: '-1', count: 1, example: toWireEvent(bad.event) },
      { event: 'promo_clicked', kind: 'unplanned_event', path: '$.name', expected: 'an event the plan names', actual: '"promo_clicked"', count: 1, example: toWireEvent(unplanned.event) },
    ]);
  });

  it('Markdown: the same facts, readable in a ticket', () => {
    expect(report.markdown).toContain('# QA report: Acme web v3');
    expect(report.markdown).toContain('- Browser: Chromium 156');
    expect(report.markdown).toContain('- Coverage: 1 of 4 planned events seen, 1 with violations');
    expect(report.markdown).toContain('| checkout_completed | 2 |');
    expect(report.markdown).toContain('### `checkout_completed`: out of range at $.properties.amount_cents: expected ≥ 0, got -1 (×1)');
    expect(report.markdown).toContain(`"event_id": "${bad.id}"`);
  });
});
