import { describe, expect, it } from 'vitest';
import { compilePlan } from '../../lib/plan/check';
import { coverage, type CoverageItem } from '../../lib/plan/coverage';
import { subjectOfEvent } from '../../lib/plan/subject';
import type { TrodoEvent } from '../../lib/event';
import { T0, makeEvent } from '../helpers';
import { ACME } from './fixtures';

const plan = compilePlan(ACME);
const item = (event: TrodoEvent, here = true): CoverageItem => ({ name: event.call ?? event.name, time: event.time, id: event.id, here, check: plan.check(subjectOfEvent(event)) });

describe('coverage of a plan', () => {
  const bad1 = makeEvent({ name: 'checkout_completed', category: 'billing', time: T0 + 1, properties: { amount_cents: -1 } });
  const bad2 = makeEvent({ name: 'checkout_completed', category: 'billing', time: T0 + 2, properties: { amount_cents: -2 } });
  const items = [
    item(makeEvent({ name: 'checkout_completed', category: 'billing', time: T0, properties: { amount_cents: 1 } })),
    item(bad2, false),
    item(bad1),
    item(makeEvent({ name: 'signup_completed', time: T0 + 3 })),
    item(makeEvent({ name: 'promo_clicked', time: T0 + 4 })),
    item(makeEvent({ name: 'promo_clicked', time: T0 + 5 })),
    item(makeEvent({ kind: 'auto', name: 'element_click', time: T0 + 6 })),
  ];
  const result = coverage(ACME, items);

  it('counts each planned event here and in all, when last, and its violations', () => {
    expect(result.planned.find((p) => p.name === 'checkout_completed')).toEqual({
      name: 'checkout_completed', category: 'billing', seenHere: 2, seenAll: 3, lastSeen: T0 + 2, withViolations: 2, violations: 2,
    });
    expect(result.notSeen).toEqual(['invoice_paid', 'page_view']);
  });

  it('lists unplanned events seen, ignoring unchecked auto-events', () => {
    expect(result.unplanned).toEqual([{ name: 'promo_clicked', count: 2, lastSeen: T0 + 5 }]);
  });

  it('groups violations by event, kind and path, with the earliest event as the example', () => {
    expect(result.violations).toEqual([
      { name: 'checkout_completed', count: 2, exampleId: bad1.id, violation: { kind: 'out_of_range', path: '$.properties.amount_cents', expected: '≥ 0', actual: '-1' } },
      { name: 'promo_clicked', count: 2, exampleId: items[4]!.id, violation: expect.objectContaining({ kind: 'unplanned_event' }) },
    ]);
    expect(result.byKind).toEqual({ out_of_range: 2, unplanned_event: 2 });
  });

  it('says it in one line', () => {
    expect(result.summary).toBe('2 of 4 planned events seen, 1 with violations');
  });
});
