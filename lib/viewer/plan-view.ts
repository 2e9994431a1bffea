import type { HistoryRecord } from '../history';
import { coverage, historyItem, type Coverage } from '../plan/coverage';
import type { Plan, Violation } from '../plan/types';

/** The plan's coverage over the records in view; `tabId` marks those counted as "this tab". */
export function planCoverage(plan: Plan, records: readonly HistoryRecord[], tabId: number | null): Coverage {
  return coverage(plan, records.map((r) => historyItem(r, tabId)));
}

export const violationsOf = (record: HistoryRecord): Violation[] => record.plan?.violations ?? [];

/** One line for a violation, as the row's tooltip, the detail and the report show it. */
export function describeViolation(v: Violation): string {
  switch (v.kind) {
    case 'unplanned_event':
      return `unplanned event: the plan does not name ${v.actual}`;
    case 'missing_required':
      return `missing required ${v.path}`;
    case 'unplanned_property':
      return `unplanned property ${v.path} (${v.actual})`;
    default:
      return `${v.kind.replace(/_/g, ' ')} at ${v.path}: expected ${v.expected}, got ${v.actual}`;
  }
}
