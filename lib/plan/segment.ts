import { isPlainObject, type JsonObject } from '../json';
import { loadPlanValue, type PlanLoad } from './load';
import type { JsonSchema, PlanEvent } from './types';

/**
 * Converts a Segment Protocols tracking plan export into this plan format. Segment keeps one
 * rule per event: `rules[].key` is the event name and `json_schema.properties.properties`
 * the schema of its properties (the Public API spells it `jsonSchema`; older exports nest the
 * list as `rules.events[]` with `name`). TRACK rules become events, the COMMON rule becomes
 * `common`; identify and group rules have no counterpart here and are left out.
 */
export function fromSegmentPlan(value: unknown): PlanLoad {
  if (!isPlainObject(value)) return { ok: false, error: 'The Segment export is not a JSON object.' };
  const rules = Array.isArray(value.rules) ? value.rules : isPlainObject(value.rules) && Array.isArray(value.rules.events) ? value.rules.events : null;
  if (!rules) return { ok: false, path: '$.rules', error: 'The Segment export has no rules list ($.rules).' };
  const events: Record<string, PlanEvent> = {};
  let common: { properties?: Record<string, JsonSchema>; required?: string[] } | undefined;
  for (const [index, rule] of rules.entries()) {
    if (!isPlainObject(rule)) continue;
    const type = typeof rule.type === 'string' ? rule.type.toUpperCase() : 'TRACK';
    const schema = rule.json_schema ?? rule.jsonSchema ?? rule.rules;
    const block = propertiesBlock(schema);
    if (type === 'COMMON') {
      common = block;
      continue;
    }
    if (type !== 'TRACK') continue;
    const name = typeof rule.key === 'string' ? rule.key : typeof rule.name === 'string' ? rule.name : null;
    if (!name) return { ok: false, path: `$.rules[${index}].key`, error: `Segment rule ${index} has no event name ($.rules[${index}].key).` };
    const event: PlanEvent = { ...block };
    const description = typeof rule.description === 'string' ? rule.description : isPlainObject(schema) && typeof schema.description === 'string' ? schema.description : '';
    if (description) event.description = description;
    const inner = isPlainObject(schema) && isPlainObject(schema.properties) ? schema.properties.properties : undefined;
    if (isPlainObject(inner) && inner.additionalProperties === false) event.additionalProperties = false;
    events[name] = event;
  }
  const name = [value.display_name, value.name, value.slug].find((n) => typeof n === 'string' && n) as string | undefined;
  const version = [value.version, value.updated_at, value.updatedAt].find((v) => (typeof v === 'string' && v) || typeof v === 'number');
  return loadPlanValue({ name: name ?? 'Segment tracking plan', version: version ?? '1', events, ...(common ? { common } : {}) });
}

/** `properties.properties` of a Segment rule schema: its `properties` and `required`. */
function propertiesBlock(schema: unknown): { properties?: Record<string, JsonSchema>; required?: string[] } {
  const inner = isPlainObject(schema) && isPlainObject(schema.properties) ? schema.properties.properties : undefined;
  if (!isPlainObject(inner)) return {};
  const block: { properties?: Record<string, JsonSchema>; required?: string[] } = {};
  if (isPlainObject(inner.properties)) block.properties = inner.properties as Record<string, JsonObject>;
  if (Array.isArray(inner.required)) block.required = inner.required.filter((r): r is string => typeof r === 'string');
  return block;
}
