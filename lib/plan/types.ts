import type { JsonObject } from '../json';

/** A JSON Schema (draft 2020-12) object or boolean, as the plan author wrote it. */
export type JsonSchema = JsonObject | boolean;

/**
 * One planned event. `properties`, `required` and `additionalProperties` describe the
 * event's own properties (Trodo's `custom_properties`); `page_data`, `auto_event_data` and
 * `element_data` are optional schemas for the data the tracker fills, so an auto-event such
 * as `page_view` can be planned with the page shape it must carry.
 *
 * @example
 * { description: 'An order was paid', category: 'billing', source: 'browser',
 *   properties: { amount_cents: { type: 'integer', minimum: 0 }, currency: { enum: ['usd', 'eur'] } },
 *   required: ['amount_cents'], additionalProperties: false }
 */
export interface PlanEvent {
  description?: string;
  /** Expected `event_category`; absent means any. */
  category?: string;
  /** Where the event must come from; absent means any. */
  source?: PlanSource;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  /** false: a property the plan does not name is a violation. Default: the plan's `additionalProperties`, else true. */
  additionalProperties?: boolean;
  page_data?: JsonSchema;
  auto_event_data?: JsonSchema;
  element_data?: JsonSchema;
}

export type PlanSource = 'browser' | 'server' | 'any';

/**
 * A tracking plan: what should happen. Described by lib/plan/plan.schema.json.
 *
 * @example
 * { name: 'Acme web', version: '3', events: { checkout_completed: { … } },
 *   common: { properties: {}, required: [] }, allowUnplanned: false }
 */
export interface Plan {
  name: string;
  version: string;
  description?: string;
  events: Record<string, PlanEvent>;
  /** Properties every planned event may (or, when required, must) carry. */
  common?: { properties?: Record<string, JsonSchema>; required?: string[] };
  /** true: a custom event the plan does not name is listed as unplanned, not a violation. */
  allowUnplanned?: boolean;
  /** Default for events that do not set `additionalProperties`. */
  additionalProperties?: boolean;
  /**
   * Auto-events (page_view, element_click, …): `ignore` (the default) checks only those the
   * plan names and never calls the others unplanned; `validate` treats them like custom events.
   */
  autoEvents?: 'ignore' | 'validate';
  /** SDK calls (identify, people/set, groups/…): `ignore` (the default) or `validate`, by operation name. */
  calls?: 'ignore' | 'validate';
}

export const VIOLATION_KINDS = [
  'unplanned_event', 'missing_required', 'wrong_type', 'not_in_enum', 'out_of_range',
  'pattern_mismatch', 'unplanned_property', 'wrong_category', 'wrong_source',
  /** Any other schema keyword that failed (anyOf, not, const arrays, …). */
  'schema_mismatch',
] as const;

export type ViolationKind = (typeof VIOLATION_KINDS)[number];

/**
 * Where an event departs from the plan.
 *
 * @example { kind: 'out_of_range', path: '$.properties.amount_cents', expected: 'minimum 0', actual: '-5' }
 */
export interface Violation {
  kind: ViolationKind;
  /** JSON path into the event: `$.name`, `$.category`, `$.properties.amount_cents`, `$.page_data.uri`. */
  path: string;
  expected: string;
  actual: string;
}

/** An event as the plan sees it, from the extension's queue or from the collector's wire. */
export interface PlanSubject {
  name: string;
  category: string;
  kind: 'custom' | 'auto';
  source: 'browser' | 'server';
  /** Set for SDK calls (identify, people/set, …): the operation. */
  call?: string;
  properties: JsonObject;
  /** Only read when the planned event has a schema for it. */
  page_data?: () => unknown;
  auto_event_data?: unknown;
  element_data?: unknown;
}

/**
 * The result of checking one event against one plan, as kept on its history record.
 * `planned` is false for an event the plan does not name (a violation unless unplanned
 * events are allowed).
 */
export interface PlanCheck {
  /** Which plan (name@version#hash) this was checked against; a stale check is redone. */
  plan: string;
  planned: boolean;
  violations: Violation[];
}

/** The plan in force, as the worker keeps it (storage.local `plan`) and tells viewers. */
export interface LoadedPlan {
  plan: Plan;
  /** planKey(plan): what each record's check names. */
  key: string;
  /** Where it came from: `build` (WXT_TRODO_PLAN), `file`, `paste` or the URL it was read from. */
  source: string;
  loadedAt: number;
}
