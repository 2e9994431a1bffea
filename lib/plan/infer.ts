import type { Json, JsonObject } from '../json';
import type { Plan, PlanEvent, PlanSubject } from './types';

/** At most this many distinct strings make an enum… */
const ENUM_MAX = 10;

/**
 * A draft plan from what was captured: per event name, each property's types, an enum for
 * strings with few distinct values (at most ten, each seen twice on average), the range of
 * numbers, and as required the properties every occurrence carried. Custom events only:
 * auto-events are named by the tracker and ignored by a plan unless it lists them, and SDK
 * calls are not events. A starting point to edit, not a verdict.
 */
export function draftPlan(subjects: Iterable<PlanSubject>, meta: { name: string; version?: string }): Plan {
  const byName = new Map<string, { count: number; categories: Set<string>; sources: Set<string>; props: Map<string, Seen> }>();
  for (const subject of subjects) {
    if (subject.kind !== 'custom' || subject.call !== undefined) continue;
    let entry = byName.get(subject.name);
    if (!entry) byName.set(subject.name, (entry = { count: 0, categories: new Set(), sources: new Set(), props: new Map() }));
    entry.count++;
    entry.categories.add(subject.category);
    entry.sources.add(subject.source);
    for (const [key, value] of Object.entries(subject.properties)) {
      let seen = entry.props.get(key);
      if (!seen) entry.props.set(key, (seen = { count: 0, types: new Set(), strings: new Set(), min: Infinity, max: -Infinity }));
      observe(seen, value);
    }
  }
  const events: Record<string, PlanEvent> = {};
  for (const name of [...byName.keys()].sort()) {
    const entry = byName.get(name)!;
    const event: PlanEvent = { description: `Seen ${entry.count}× while drafting` };
    if (entry.categories.size === 1) event.category = [...entry.categories][0];
    event.source = entry.sources.size === 1 ? ([...entry.sources][0] as 'browser' | 'server') : 'any';
    event.properties = {};
    for (const [key, seen] of [...entry.props].sort(([a], [b]) => (a < b ? -1 : 1))) event.properties[key] = schemaOf(seen);
    event.required = [...entry.props].filter(([, seen]) => seen.count === entry.count).map(([key]) => key).sort();
    event.additionalProperties = false;
    events[name] = event;
  }
  return { name: meta.name, version: meta.version ?? '0-draft', events, allowUnplanned: false };
}

interface Seen {
  count: number;
  types: Set<string>;
  strings: Set<string>;
  min: number;
  max: number;
}

function observe(seen: Seen, value: Json) {
  seen.count++;
  if (typeof value === 'number') {
    seen.types.add(Number.isInteger(value) ? 'integer' : 'number');
    seen.min = Math.min(seen.min, value);
    seen.max = Math.max(seen.max, value);
  } else if (typeof value === 'string') {
    seen.types.add('string');
    if (seen.strings.size <= ENUM_MAX) seen.strings.add(value);
  } else seen.types.add(value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);
}

function schemaOf(seen: Seen): JsonObject {
  // integer and number together are numbers.
  if (seen.types.has('number')) seen.types.delete('integer');
  const types = [...seen.types].sort();
  const schema: JsonObject = { type: types.length === 1 ? types[0]! : types };
  if (seen.types.has('string') && seen.strings.size <= ENUM_MAX && seen.strings.size * 2 <= seen.count) {
    schema.enum = [...seen.strings].sort();
    if (seen.types.has('null')) (schema.enum as Json[]).push(null);
  }
  if (seen.min <= seen.max) {
    schema.minimum = seen.min;
    schema.maximum = seen.max;
  }
  return schema;
}
