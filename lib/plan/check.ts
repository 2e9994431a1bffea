import { Validator } from '@cfworker/json-schema';
import type { JsonObject } from '../json';
import type { Plan, PlanCheck, PlanEvent, PlanSubject, Violation } from './types';
import { violationsOf } from './violations';

/** The parts of an event a planned event may give a schema for, besides its properties. */
const PARTS = ['page_data', 'auto_event_data', 'element_data'] as const;

/** A plan ready to check events: each planned event's schema is compiled once, on first use. */
export interface CompiledPlan {
  plan: Plan;
  /** name@version#hash: names this plan exactly, so a check made against another is known stale. */
  key: string;
  /** null when the plan has nothing to say about the event (an ignored auto-event or call). */
  check(subject: PlanSubject): PlanCheck | null;
}

/**
 * Compiles a plan (already loaded and checked by lib/plan/load.ts). @cfworker/json-schema
 * interprets schemas and generates no code, which MV3 requires (no eval, no new Function).
 */
export function compilePlan(plan: Plan): CompiledPlan {
  const key = planKey(plan);
  const compiled = new Map<string, { validator: Validator; schema: JsonObject; parts: readonly (typeof PARTS)[number][] }>();

  function compile(name: string, event: PlanEvent) {
    let entry = compiled.get(name);
    if (!entry) {
      const schema = eventSchema(plan, event);
      const parts = PARTS.filter((part) => event[part] !== undefined);
      entry = { validator: new Validator(schema, '2020-12', false), schema, parts };
      compiled.set(name, entry);
    }
    return entry;
  }

  return {
    plan,
    key,
    check(subject) {
      if (subject.call !== undefined && plan.calls !== 'validate') return null;
      const event = Object.hasOwn(plan.events, subject.name) ? plan.events[subject.name] : undefined;
      if (!event) {
        if (subject.kind === 'auto' && subject.call === undefined && plan.autoEvents !== 'validate') return null;
        const violations: Violation[] = plan.allowUnplanned
          ? []
          : [{ kind: 'unplanned_event', path: '$.name', expected: 'an event the plan names', actual: JSON.stringify(subject.name) }];
        return { plan: key, planned: false, violations };
      }
      const violations: Violation[] = [];
      if (event.category !== undefined && event.category !== subject.category) {
        violations.push({ kind: 'wrong_category', path: '$.category', expected: JSON.stringify(event.category), actual: JSON.stringify(subject.category) });
      }
      if (event.source !== undefined && event.source !== 'any' && event.source !== subject.source) {
        violations.push({ kind: 'wrong_source', path: '$.source', expected: event.source, actual: subject.source });
      }
      const { validator, schema, parts } = compile(subject.name, event);
      const instance: Record<string, unknown> = { properties: subject.properties };
      for (const part of parts) {
        const value = part === 'page_data' ? subject.page_data?.() : subject[part];
        if (value !== undefined) instance[part] = value;
      }
      const result = validator.validate(instance);
      if (!result.valid) violations.push(...violationsOf(result.errors, instance, schema));
      return { plan: key, planned: true, violations };
    },
  };
}

/** One schema over `{ properties, page_data?, … }`, so every violation's path starts at the event. */
function eventSchema(plan: Plan, event: PlanEvent): JsonObject {
  const additional = event.additionalProperties ?? plan.additionalProperties ?? true;
  const properties: JsonObject = {
    type: 'object',
    properties: { ...plan.common?.properties, ...event.properties },
    required: [...new Set([...(plan.common?.required ?? []), ...(event.required ?? [])])],
  };
  if (!additional) properties.additionalProperties = false;
  const schema: JsonObject = { type: 'object', properties: { properties }, required: ['properties'] };
  const parts = schema.properties as JsonObject;
  for (const part of PARTS) {
    if (event[part] !== undefined) {
      parts[part] = event[part]!;
      (schema.required as string[]).push(part);
    }
  }
  return schema;
}

/** name@version#hash of the plan's JSON (FNV-1a): two loads of the same file share a key. */
export function planKey(plan: Plan): string {
  const text = JSON.stringify(plan);
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return `${plan.name}@${plan.version}#${(hash >>> 0).toString(16).padStart(8, '0')}`;
}
