import { describe, expect, it } from 'vitest';
import { compilePlan } from '../../lib/plan/check';
import { draftPlan } from '../../lib/plan/infer';
import { loadPlanValue } from '../../lib/plan/load';
import { subjectOfEvent } from '../../lib/plan/subject';
import { makeEvent } from '../helpers';

const events = [
  makeEvent({ name: 'checkout_completed', category: 'billing', properties: { amount_cents: 1299, currency: 'usd', coupon: 'A1' } }),
  makeEvent({ name: 'checkout_completed', category: 'billing', properties: { amount_cents: 500, currency: 'eur', coupon: 'B2' } }),
  makeEvent({ name: 'checkout_completed', category: 'billing', properties: { amount_cents: 0, currency: 'usd' } }),
  makeEvent({ name: 'checkout_completed', category: 'billing', properties: { amount_cents: 10, currency: 'eur', gift: true } }),
  makeEvent({ name: 'search_performed', properties: { query: 'shoes', results: 2.5 } }),
  makeEvent({ name: 'search_performed', properties: { query: 'socks', results: 3 } }),
  makeEvent({ kind: 'auto', name: 'page_view', category: 'navigation', properties: {} }),
  makeEvent({ call: 'identify', name: 'identify', properties: { identifyId: 'u1' } }),
];

describe('drafting a plan from captured events', () => {
  const draft = draftPlan(events.map(subjectOfEvent), { name: 'QA session draft' });

  it('infers types, enums for few distinct strings, ranges and required properties', () => {
    expect(draft).toEqual({
      name: 'QA session draft',
      version: '0-draft',
      allowUnplanned: false,
      events: {
        checkout_completed: {
          description: 'Seen 4× while drafting',
          category: 'billing',
          source: 'browser',
          properties: {
            amount_cents: { type: 'integer', minimum: 0, maximum: 1299 },
            coupon: { type: 'string' },
            currency: { type: 'string', enum: ['eur', 'usd'] },
            gift: { type: 'boolean' },
          },
          required: ['amount_cents', 'currency'],
          additionalProperties: false,
        },
        search_performed: {
          description: 'Seen 2× while drafting',
          category: 'custom',
          source: 'browser',
          properties: { query: { type: 'string' }, results: { type: 'number', minimum: 2.5, maximum: 3 } },
          required: ['query', 'results'],
          additionalProperties: false,
        },
      },
    });
  });

  it('drafts a plan that loads, and that the events it came from pass', () => {
    const load = loadPlanValue(draft);
    expect(load.ok).toBe(true);
    const plan = compilePlan(draft);
    for (const event of events) expect(plan.check(subjectOfEvent(event))?.violations ?? []).toEqual([]);
  });

  it('keeps null as a type and in the enum', () => {
    const draft = draftPlan(
      ['a', 'a', null, 'b', 'b', 'a'].map((v) => subjectOfEvent(makeEvent({ name: 'e', properties: { v } }))),
      { name: 'n', version: '1' },
    );
    expect(draft.events.e!.properties!.v).toEqual({ type: ['null', 'string'], enum: ['a', 'b', null] });
  });
});
