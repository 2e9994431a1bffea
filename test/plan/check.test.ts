import { describe, expect, it } from 'vitest';
import { compilePlan, planKey } from '../../lib/plan/check';
import { subjectOfEvent, subjectOfWire } from '../../lib/plan/subject';
import type { Plan, PlanSubject } from '../../lib/plan/types';
import { toWireEvent } from '../../lib/wire/events';
import { makeEvent } from '../helpers';
import { ACME } from './fixtures';

const plan = compilePlan(ACME);
const checkout = (properties: PlanSubject['properties'], extra: Partial<PlanSubject> = {}) =>
  plan.check({ ...subjectOfEvent(makeEvent({ name: 'checkout_completed', category: 'billing', properties })), ...extra });

describe('checking events against a plan', () => {
  it('passes an event that follows the plan', () => {
    expect(checkout({ amount_cents: 1299, currency: 'eur', coupon: 'SPRING24' })).toEqual({ plan: plan.key, planned: true, violations: [] });
  });

  it('unplanned_event: a custom event the plan does not name', () => {
    expect(plan.check(subjectOfEvent(makeEvent({ name: 'checkout_started' })))).toEqual({
      plan: plan.key,
      planned: false,
      violations: [{ kind: 'unplanned_event', path: '$.name', expected: 'an event the plan names', actual: '"checkout_started"' }],
    });
  });

  it('missing_required, with the property in the path', () => {
    expect(checkout({ currency: 'usd' })?.violations).toEqual([{ kind: 'missing_required', path: '$.properties.amount_cents', expected: 'present', actual: 'missing' }]);
  });

  it('wrong_type', () => {
    expect(checkout({ amount_cents: '12.99' })?.violations).toEqual([{ kind: 'wrong_type', path: '$.properties.amount_cents', expected: 'type integer', actual: '"12.99"' }]);
    expect(checkout({ amount_cents: 12.5 })?.violations).toEqual([{ kind: 'wrong_type', path: '$.properties.amount_cents', expected: 'type integer', actual: '12.5' }]);
  });

  it('not_in_enum', () => {
    expect(checkout({ amount_cents: 1, currency: 'gbp' })?.violations).toEqual([{ kind: 'not_in_enum', path: '$.properties.currency', expected: 'one of "usd", "eur"', actual: '"gbp"' }]);
  });

  it('out_of_range', () => {
    expect(checkout({ amount_cents: -5 })?.violations).toEqual([{ kind: 'out_of_range', path: '$.properties.amount_cents', expected: '≥ 0', actual: '-5' }]);
  });

  it('pattern_mismatch', () => {
    expect(checkout({ amount_cents: 1, coupon: 'spring' })?.violations).toEqual([{ kind: 'pattern_mismatch', path: '$.properties.coupon', expected: 'matches /^[A-Z0-9]{4,12}$/', actual: '"spring"' }]);
  });

  it('unplanned_property, when the event forbids others', () => {
    expect(checkout({ amount_cents: 1, 'gift wrap': true })?.violations).toEqual([{ kind: 'unplanned_property', path: '$.properties["gift wrap"]', expected: 'no such property', actual: 'true' }]);
    // signup_completed does not forbid others
    expect(plan.check(subjectOfEvent(makeEvent({ properties: { plan: 'pro', extra: 1 } })))?.violations).toEqual([]);
  });

  it('wrong_category and wrong_source', () => {
    expect(plan.check(subjectOfEvent(makeEvent({ name: 'checkout_completed', category: 'custom', properties: { amount_cents: 1 } })))?.violations).toEqual([
      { kind: 'wrong_category', path: '$.category', expected: '"billing"', actual: '"custom"' },
    ]);
    expect(plan.check(subjectOfEvent(makeEvent({ name: 'invoice_paid' })))?.violations).toEqual([{ kind: 'wrong_source', path: '$.source', expected: 'server', actual: 'browser' }]);
    expect(checkout({ amount_cents: 1 }, { source: 'server' })?.violations).toEqual([{ kind: 'wrong_source', path: '$.source', expected: 'browser', actual: 'server' }]);
  });

  it('reports every violation of one event, not only the first', () => {
    const kinds = checkout({ amount_cents: -1, currency: 'gbp', coupon: 'x', other: 1 })?.violations.map((v) => v.kind).sort();
    expect(kinds).toEqual(['not_in_enum', 'out_of_range', 'pattern_mismatch', 'unplanned_property']);
  });

  it('checks a planned auto-event’s page data and ignores unplanned auto-events', () => {
    const view = (path: string) => plan.check(subjectOfEvent(makeEvent({ kind: 'auto', name: 'page_view', category: 'navigation', properties: {}, page: { ...makeEvent().page, path } })));
    expect(view('/pricing')?.violations).toEqual([]);
    expect(view('pricing')?.violations).toEqual([{ kind: 'pattern_mismatch', path: '$.page_data.uri', expected: 'matches /^\\//', actual: '"pricing"' }]);
    expect(plan.check(subjectOfEvent(makeEvent({ kind: 'auto', name: 'element_click', category: 'interaction' })))).toBeNull();
  });

  it('validates unplanned auto-events and calls only when the plan says so', () => {
    const strict = compilePlan({ ...ACME, autoEvents: 'validate', calls: 'validate', events: { ...ACME.events, identify: { properties: { identifyId: { type: 'string', minLength: 3 } } } } });
    expect(strict.check(subjectOfEvent(makeEvent({ kind: 'auto', name: 'element_click' })))?.violations.map((v) => v.kind)).toEqual(['unplanned_event']);
    expect(plan.check(subjectOfEvent(makeEvent({ call: 'identify', name: 'identify', properties: { identifyId: 'u' } })))).toBeNull();
    expect(strict.check(subjectOfEvent(makeEvent({ call: 'identify', name: 'identify', properties: { identifyId: 'u' } })))?.violations).toEqual([
      { kind: 'out_of_range', path: '$.properties.identifyId', expected: 'at least 3 characters', actual: '"u"' },
    ]);
  });

  it('allowUnplanned lists unplanned events without a violation', () => {
    const lenient = compilePlan({ ...ACME, allowUnplanned: true });
    expect(lenient.check(subjectOfEvent(makeEvent({ name: 'anything' })))).toEqual({ plan: lenient.key, planned: false, violations: [] });
  });

  it('common properties apply to every planned event', () => {
    const withCommon = compilePlan({ ...ACME, common: { properties: { app_version: { type: 'string' } }, required: ['app_version'] } });
    const check = withCommon.check(subjectOfEvent(makeEvent({ name: 'checkout_completed', category: 'billing', properties: { amount_cents: 1 } })));
    expect(check?.violations).toEqual([{ kind: 'missing_required', path: '$.properties.app_version', expected: 'present', actual: 'missing' }]);
    const ok = withCommon.check(subjectOfEvent(makeEvent({ name: 'checkout_completed', category: 'billing', properties: { amount_cents: 1, app_version: '1.2' } })));
    expect(ok?.violations).toEqual([]);
  });

  it('other keywords are one schema_mismatch, not one violation per alternative', () => {
    const anyOf: Plan = { name: 'p', version: '1', events: { e: { properties: { id: { anyOf: [{ type: 'integer' }, { type: 'string', minLength: 5 }] } } } } };
    expect(compilePlan(anyOf).check(subjectOfEvent(makeEvent({ name: 'e', properties: { id: 'abc' } })))?.violations).toEqual([
      { kind: 'schema_mismatch', path: '$.properties.id', expected: 'anyOf: Instance does not match any subschemas', actual: '"abc"' },
    ]);
  });

  it('checks the collector’s wire events the same way as the worker’s', () => {
    const event = makeEvent({ name: 'checkout_completed', category: 'billing', properties: { amount_cents: -1, currency: 'gbp' } });
    expect(plan.check(subjectOfWire(toWireEvent(event)))).toEqual(plan.check(subjectOfEvent(event)));
  });

  it('keys a plan by name, version and content', () => {
    expect(planKey(ACME)).toMatch(/^Acme web@3#[0-9a-f]{8}$/);
    expect(planKey({ ...ACME })).toBe(planKey(ACME));
    expect(planKey({ ...ACME, allowUnplanned: true })).not.toBe(planKey(ACME));
  });
});
