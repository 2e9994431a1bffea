import type { OutputUnit } from '@cfworker/json-schema';
import { jsonPath, pointerSegments, schemaAt, shortJson, valueAt } from './paths';
import type { Violation, ViolationKind } from './types';

/**
 * Keywords whose error only says "something inside failed": their inner errors say what.
 * `false` is the leaf under `additionalProperties: false` (and any other false schema).
 */
const WRAPPERS: ReadonlySet<string> = new Set([
  'properties', 'patternProperties', 'additionalProperties', 'unevaluatedProperties', 'items', 'prefixItems',
  'additionalItems', 'unevaluatedItems', 'allOf', '$ref', '$recursiveRef', 'dependentSchemas', 'propertyNames', 'if', 'contains',
]);
/** Keywords that try alternatives: one violation for the whole, not one per failed alternative. */
const ALTERNATIVES: ReadonlySet<string> = new Set(['anyOf', 'oneOf', 'not']);

const KINDS: Readonly<Record<string, ViolationKind>> = {
  type: 'wrong_type',
  enum: 'not_in_enum',
  const: 'not_in_enum',
  minimum: 'out_of_range',
  maximum: 'out_of_range',
  exclusiveMinimum: 'out_of_range',
  exclusiveMaximum: 'out_of_range',
  multipleOf: 'out_of_range',
  minLength: 'out_of_range',
  maxLength: 'out_of_range',
  minItems: 'out_of_range',
  maxItems: 'out_of_range',
  minProperties: 'out_of_range',
  maxProperties: 'out_of_range',
  pattern: 'pattern_mismatch',
  format: 'pattern_mismatch',
  required: 'missing_required',
  dependentRequired: 'missing_required',
};

/**
 * The validator's output units as violations: what failed, where in the event (a JSON
 * path), what the plan expects and what came. `instance` and `schema` are what was
 * validated, to read the expected and actual values from.
 */
export function violationsOf(errors: readonly OutputUnit[], instance: unknown, schema: unknown): Violation[] {
  const violations: Violation[] = [];
  const opaque: string[] = [];
  let previous: OutputUnit | undefined;
  for (const error of errors) {
    const parent = previous;
    previous = error;
    if (opaque.some((prefix) => error.keywordLocation.startsWith(`${prefix}/`))) continue;
    if (ALTERNATIVES.has(error.keyword)) opaque.push(error.keywordLocation);
    else if (WRAPPERS.has(error.keyword)) continue;
    const at = pointerSegments(error.instanceLocation);
    const keywordPath = pointerSegments(error.keywordLocation);
    const expected = schemaAt(schema, keywordPath);
    if (error.keyword === 'required') {
      const name = /"(.*)"\.$/.exec(error.error)?.[1] ?? '';
      violations.push({ kind: 'missing_required', path: jsonPath([...at, name]), expected: 'present', actual: 'missing' });
      continue;
    }
    const actual = shortJson(valueAt(instance, at));
    if (error.keyword === 'false') {
      // The validator gives a false schema's error the instance's location as its keyword
      // location; the wrapper error just before it says which keyword it was under.
      const unplanned = parent?.keyword === 'additionalProperties' || parent?.keyword === 'unevaluatedProperties';
      violations.push({ kind: unplanned ? 'unplanned_property' : 'schema_mismatch', path: jsonPath(at), expected: unplanned ? 'no such property' : 'nothing (false schema)', actual });
      continue;
    }
    violations.push({ kind: KINDS[error.keyword] ?? 'schema_mismatch', path: jsonPath(at), expected: describeExpected(error, expected), actual });
  }
  return violations;
}

function describeExpected(error: OutputUnit, value: unknown): string {
  switch (error.keyword) {
    case 'type':
      return `type ${Array.isArray(value) ? value.join(' or ') : String(value)}`;
    case 'enum':
      return Array.isArray(value) ? `one of ${value.map((v) => shortJson(v, 40)).join(', ')}` : 'one of the listed values';
    case 'const':
      return `exactly ${shortJson(value)}`;
    case 'minimum': return `≥ ${String(value)}`;
    case 'maximum': return `≤ ${String(value)}`;
    case 'exclusiveMinimum': return `> ${String(value)}`;
    case 'exclusiveMaximum': return `< ${String(value)}`;
    case 'multipleOf': return `a multiple of ${String(value)}`;
    case 'minLength': return `at least ${String(value)} characters`;
    case 'maxLength': return `at most ${String(value)} characters`;
    case 'minItems': return `at least ${String(value)} items`;
    case 'maxItems': return `at most ${String(value)} items`;
    case 'pattern': return `matches /${String(value).replace(/\//g, '\\/')}/`;
    case 'format': return `format ${String(value)}`;
    default: return `${error.keyword}: ${error.error.replace(/\.$/, '')}`;
  }
}
