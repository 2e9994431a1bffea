import type { HistoryRecord } from '../history';
import type { Plan, PlanCheck, Violation, ViolationKind } from './types';

/** One checked event, wherever it was seen (a history record, a collector event). */
export interface CoverageItem {
  name: string;
  time: number;
  check: PlanCheck | null | undefined;
  /** In the scope the viewer is about (its tab); counted in `seenHere`. */
  here: boolean;
  /** The event's id, for the report's examples. */
  id: string;
}

/** A history record as coverage counts it (`tabId`: the tab counted as "here"; null: all are). */
export function historyItem(record: HistoryRecord, tabId: number | null): CoverageItem {
  return { name: record.event.call ?? record.event.name, time: record.event.time, check: record.plan, here: tabId === null || record.tabId === tabId, id: record.id };
}

export interface PlannedCoverage {
  name: string;
  category?: string;
  /** Events of this name in scope (the viewer's tab) and in all. */
  seenHere: number;
  seenAll: number;
  lastSeen: number | null;
  /** Events of this name that broke the plan, and the violations they had. */
  withViolations: number;
  violations: number;
}

export interface Coverage {
  planned: PlannedCoverage[];
  notSeen: string[];
  unplanned: { name: string; count: number; lastSeen: number }[];
  /** Each distinct violation (kind, event, path) with its count and the first event that showed it. */
  violations: { name: string; violation: Violation; count: number; exampleId: string }[];
  byKind: Partial<Record<ViolationKind, number>>;
  summary: string;
}

/** How far the events seen cover the plan, and where they broke it. */
export function coverage(plan: Plan, items: Iterable<CoverageItem>): Coverage {
  const planned = new Map<string, PlannedCoverage>(
    Object.entries(plan.events).map(([name, event]) => [name, { name, category: event.category, seenHere: 0, seenAll: 0, lastSeen: null, withViolations: 0, violations: 0 }]),
  );
  const unplanned = new Map<string, { name: string; count: number; lastSeen: number }>();
  const distinct = new Map<string, { name: string; violation: Violation; count: number; exampleId: string; time: number }>();
  const byKind: Partial<Record<ViolationKind, number>> = {};
  for (const item of items) {
    if (!item.check) continue;
    const row = item.check.planned ? planned.get(item.name) : undefined;
    if (row) {
      row.seenAll++;
      if (item.here) row.seenHere++;
      row.lastSeen = Math.max(row.lastSeen ?? -Infinity, item.time);
      if (item.check.violations.length) row.withViolations++;
      row.violations += item.check.violations.length;
    } else {
      const entry = unplanned.get(item.name) ?? { name: item.name, count: 0, lastSeen: -Infinity };
      entry.count++;
      entry.lastSeen = Math.max(entry.lastSeen, item.time);
      unplanned.set(item.name, entry);
    }
    for (const violation of item.check.violations) {
      byKind[violation.kind] = (byKind[violation.kind] ?? 0) + 1;
      const key = `${item.name}\n${violation.kind}\n${violation.path}`;
      const seen = distinct.get(key);
      if (!seen) distinct.set(key, { name: item.name, violation, count: 1, exampleId: item.id, time: item.time });
      else {
        seen.count++;
        // The earliest event is the example: the first time the plan was broken this way.
        if (before(item.time, item.id, seen.time, seen.exampleId)) Object.assign(seen, { violation, exampleId: item.id, time: item.time });
      }
    }
  }
  const rows = [...planned.values()];
  const seen = rows.filter((r) => r.seenAll > 0);
  const broken = rows.filter((r) => r.withViolations > 0).length;
  return {
    planned: rows,
    notSeen: rows.filter((r) => r.seenAll === 0).map((r) => r.name),
    unplanned: [...unplanned.values()].sort((a, b) => b.count - a.count || (a.name < b.name ? -1 : 1)),
    // Most frequent first; ties by when they first happened (event ids are UUID v7: creation
    // order within a millisecond), then by path, so the order never depends on the input's.
    violations: [...distinct.values()]
      .sort((a, b) => b.count - a.count || (before(a.time, a.exampleId, b.time, b.exampleId) ? -1 : before(b.time, b.exampleId, a.time, a.exampleId) ? 1 : a.violation.path < b.violation.path ? -1 : 1))
      .map(({ time: _time, ...rest }) => rest),
    byKind,
    summary: `${seen.length} of ${rows.length} planned events seen, ${broken} with violations`,
  };
}

const before = (time: number, id: string, otherTime: number, otherId: string) => time < otherTime || (time === otherTime && id < otherId);
