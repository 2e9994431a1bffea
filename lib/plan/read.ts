import { isPlainObject } from '../json';
import { loadPlanValue, parsePlanJson, type PlanLoad } from './load';
import { fromSegmentPlan } from './segment';

/**
 * A plan from text someone loaded: this format, or a Segment Protocols export (it has
 * `rules` and no `events`), which is converted.
 */
export function readPlanText(text: string): PlanLoad {
  const parsed = parsePlanJson(text);
  if (!parsed.ok) return parsed;
  const { value } = parsed;
  if (isPlainObject(value) && value.events === undefined && value.rules !== undefined) return fromSegmentPlan(value);
  return loadPlanValue(value);
}
