import { describe, expect, it } from 'vitest';
import { readPlanText } from '../../lib/plan/read';
import { fromSegmentPlan } from '../../lib/plan/segment';

/** The shape of a Segment Protocols tracking plan export (Public API: `rules[]` with `key` and a JSON Schema). */
const EXPORT = {
  id: 'rs_1',
  name: 'acme-web',
  display_name: 'Acme web',
  updated_at: '2026-11-02T10:00:00Z',
  rules: [
    {
      type: 'COMMON',
      json_schema: { type: 'object', properties: { properties: { type: 'object', properties: { app_version: { type: 'string' } }, required: ['app_version'] } } },
    },
    {
      type: 'TRACK',
      key: 'Order Completed',
      version: 1,
      json_schema: {
        $schema: 'http://json-schema.org/draft-07/schema#',
        description: 'An order was paid',
        type: 'object',
        properties: {
          context: {},
          traits: { type: 'object' },
          properties: {
            type: 'object',
            properties: { revenue: { type: 'number', minimum: 0 }, currency: { enum: ['usd', 'eur'] } },
            required: ['revenue'],
            additionalProperties: false,
          },
        },
        required: ['properties'],
      },
    },
    { type: 'TRACK', key: 'Product Viewed', json_schema: { properties: { properties: { type: 'object', properties: { sku: { type: ['string', 'null'] } } } } } },
    { type: 'IDENTIFY', json_schema: { properties: { traits: { type: 'object' } } } },
  ],
};

describe('Segment Protocols import', () => {
  it('turns each TRACK rule into an event and the COMMON rule into common', () => {
    expect(fromSegmentPlan(EXPORT)).toEqual({
      ok: true,
      plan: {
        name: 'Acme web',
        version: '2026-11-02T10:00:00Z',
        common: { properties: { app_version: { type: 'string' } }, required: ['app_version'] },
        events: {
          'Order Completed': {
            description: 'An order was paid',
            properties: { revenue: { type: 'number', minimum: 0 }, currency: { enum: ['usd', 'eur'] } },
            required: ['revenue'],
            additionalProperties: false,
          },
          'Product Viewed': { properties: { sku: { type: ['string', 'null'] } } },
        },
      },
    });
  });

  it('reads the older `rules.events[]` layout with `name`', () => {
    const load = fromSegmentPlan({ display_name: 'Old', rules: { events: [{ name: 'Signed Up', rules: { properties: { properties: { properties: { plan: { type: 'string' } } } } } }] } });
    expect(load).toEqual({ ok: true, plan: { name: 'Old', version: '1', events: { 'Signed Up': { properties: { plan: { type: 'string' } } } } } });
  });

  it('refuses an export without rules, or a rule without a name, saying where', () => {
    expect(fromSegmentPlan({ name: 'x' })).toMatchObject({ ok: false, path: '$.rules' });
    expect(fromSegmentPlan({ rules: [{ type: 'TRACK', json_schema: {} }] })).toMatchObject({ ok: false, path: '$.rules[0].key' });
  });

  it('refuses a converted plan that is not valid, with the path in the converted plan', () => {
    const load = fromSegmentPlan({ rules: [{ key: 'A', json_schema: { properties: { properties: { properties: { n: { type: 'decimal' } } } } } }] });
    expect(load).toMatchObject({ ok: false, path: '$.events.A.properties.n.type' });
  });
});

describe('reading plan text someone loaded', () => {
  it('takes a Segment export as it is, and this format as it is', () => {
    expect(readPlanText(JSON.stringify(EXPORT))).toEqual(fromSegmentPlan(EXPORT));
    expect(readPlanText('{"name": "n", "version": "1", "events": {}}')).toEqual({ ok: true, plan: { name: 'n', version: '1', events: {} } });
    expect(readPlanText('{"rules": [}')).toMatchObject({ ok: false, line: 1, column: 12 });
  });
});
