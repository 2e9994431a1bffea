import { Validator } from '@cfworker/json-schema';
import { isPlainObject } from '../json';
import { jsonSyntaxProblem } from './json-syntax';
import { jsonPath } from './paths';
import planSchema from './plan.schema.json' with { type: 'json' };
import type { Plan, Violation } from './types';
import { violationsOf } from './violations';

export const PLAN_LIMITS = {
  /** Bytes of the plan's JSON text. */
  bytes: 1024 * 1024,
  events: 5000,
} as const;

/**
 * A plan, or why it is refused: a message for people that names where it is wrong (the
 * JSON path, and line and column for a syntax error).
 */
export type PlanLoad =
  | { ok: true; plan: Plan }
  | { ok: false; error: string; path?: string; line?: number; column?: number };

let metaValidator: Validator | null = null;

/** Reads a plan from JSON text (a file, a paste, a download). */
export function loadPlanText(text: string): PlanLoad {
  const parsed = parsePlanJson(text);
  return parsed.ok ? loadPlanValue(parsed.value) : parsed;
}

/** The JSON value of a plan's text, within the size limit, or where the text is wrong. */
export function parsePlanJson(text: string): { ok: true; value: unknown } | Extract<PlanLoad, { ok: false }> {
  const bytes = new TextEncoder().encode(text).length;
  if (bytes > PLAN_LIMITS.bytes) return { ok: false, error: `The plan is ${formatBytes(bytes)}; at most ${formatBytes(PLAN_LIMITS.bytes)} (1 MB) is loaded.` };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    const problem = jsonSyntaxProblem(text);
    if (!problem) return { ok: false, error: 'The plan is not JSON.' };
    return { ok: false, error: `The plan is not JSON: line ${problem.line}, column ${problem.column}: ${problem.message}.`, line: problem.line, column: problem.column };
  }
}

/** Checks a parsed plan against lib/plan/plan.schema.json and the limits; versions become strings. */
export function loadPlanValue(value: unknown): PlanLoad {
  if (isPlainObject(value) && isPlainObject(value.events)) {
    const count = Object.keys(value.events).length;
    if (count > PLAN_LIMITS.events) return { ok: false, path: '$.events', error: `The plan has ${count} events; at most ${PLAN_LIMITS.events} are loaded.` };
  }
  metaValidator ??= new Validator(planSchema as object, '2020-12', false);
  const result = metaValidator.validate(value);
  if (!result.valid) {
    const first = violationsOf(result.errors, value, planSchema)[0];
    if (first) return { ok: false, path: first.path, error: `The plan is not valid at ${first.path}: ${describe(first)}.` };
    return { ok: false, error: 'The plan does not match its schema.' };
  }
  const plan = value as unknown as Plan & { version: string | number };
  const badPattern = findBadPattern(plan);
  if (badPattern) return { ok: false, path: badPattern.path, error: `The plan is not valid at ${badPattern.path}: ${badPattern.message}.` };
  return { ok: true, plan: { ...plan, version: String(plan.version) } };
}

function describe(violation: Violation): string {
  switch (violation.kind) {
    case 'missing_required':
      return 'this field is required';
    case 'unplanned_property':
      return 'this is not a field of a plan (see lib/plan/plan.schema.json)';
    default:
      return `expected ${violation.expected}, got ${violation.actual}`;
  }
}

/**
 * The schema cannot say that a `pattern` is a valid regular expression; the validator would
 * throw on it at check time, so it is refused here instead.
 */
function findBadPattern(value: unknown, at: (string | number)[] = []): { path: string; message: string } | null {
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = findBadPattern(item, [...at, i]);
      if (found) return found;
    }
    return null;
  }
  if (!isPlainObject(value)) return null;
  for (const [key, child] of Object.entries(value)) {
    const path = [...at, key];
    const patterns = key === 'pattern' && typeof child === 'string' ? [child] : key === 'patternProperties' && isPlainObject(child) ? Object.keys(child) : [];
    for (const pattern of patterns) {
      try {
        new RegExp(pattern, 'u');
      } catch (error) {
        return { path: jsonPath(path), message: `${JSON.stringify(pattern)} is not a regular expression (${error instanceof Error ? error.message : String(error)})` };
      }
    }
    const found = findBadPattern(child, path);
    if (found) return found;
  }
  return null;
}

function formatBytes(bytes: number): string {
  return `${Math.ceil(bytes / 1024)} KB`;
}
