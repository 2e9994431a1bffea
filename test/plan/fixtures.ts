import type { Plan } from '../../lib/plan/types';

/** The example plan, plus a pattern, a planned auto-event and a server-only event. */
export const ACME: Plan = {
  name: 'Acme web',
  version: '3',
  events: {
    checkout_completed: {
      description: 'An order was paid',
      category: 'billing',
      source: 'browser',
      properties: {
        amount_cents: { type: 'integer', minimum: 0 },
        currency: { enum: ['usd', 'eur'] },
        coupon: { type: 'string', pattern: '^[A-Z0-9]{4,12}$' },
      },
      required: ['amount_cents'],
      additionalProperties: false,
    },
    signup_completed: { category: 'custom', properties: { plan: { type: 'string' } } },
    invoice_paid: { source: 'server' },
    page_view: { page_data: { type: 'object', required: ['uri', 'page_title'], properties: { uri: { type: 'string', pattern: '^/' } } } },
  },
  common: { properties: {}, required: [] },
  allowUnplanned: false,
};
