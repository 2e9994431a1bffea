import { compilePlan } from '../plan/check';
import { coverage } from '../plan/coverage';
import { subjectOfWire } from '../plan/subject';
import type { Plan, PlanCheck } from '../plan/types';
import type { WireEvent } from '../wire/events';
import { sourceOf } from './query';

/**
 * The collector's side of the tracking plan: every accepted event checked with the same
 * module as the extension's worker (lib/plan/), so a QA run against the collector and the
 * viewer agree. An event's source is `server` when a server SDK sent it (its page referrer
 * says so), else `browser`. Checks are made when asked for and kept by event id; a plan
 * loaded at run time (POST /__collector/plan) replaces the one in force and its checks.
 */
export function collectorPlan(initial: Plan | null | undefined) {
  let plan = initial ?? null;
  let compiled = plan ? compilePlan(plan) : null;
  const checks = new Map<string, PlanCheck | null>();

  function checked(events: readonly WireEvent[]) {
    return events.map((event) => {
      let check = checks.get(event.event_id);
      if (check === undefined && compiled) checks.set(event.event_id, (check = compiled.check(subjectOfWire(event, sourceOf(event)))));
      return { event, check: check ?? null };
    });
  }

  return {
    /** Counts for GET /__collector/events. */
    counts(events: readonly WireEvent[]) {
      if (!compiled) return null;
      const all = checked(events);
      const broken = all.filter((c) => c.check?.violations.length);
      return { plan: compiled.key, checked: all.filter((c) => c.check).length, withViolations: broken.length, violations: broken.reduce((n, c) => n + c.check!.violations.length, 0) };
    },
    /** GET /__collector/violations: the plan, its coverage, and each event that broke it. */
    violations(events: readonly WireEvent[]) {
      if (!compiled || !plan) return { plan: null, events: [] };
      const all = checked(events);
      const cover = coverage(plan, all.map(({ event, check }) => ({ name: event.event_name, time: Date.parse(event.timestamp), check, here: true, id: event.event_id })));
      return {
        plan: { name: plan.name, version: plan.version, key: compiled.key },
        summary: cover.summary,
        byKind: cover.byKind,
        notSeen: cover.notSeen,
        unplanned: cover.unplanned,
        events: all
          .filter(({ check }) => check?.violations.length)
          .map(({ event, check }) => ({ event_id: event.event_id, event_name: event.event_name, violations: check!.violations })),
      };
    },
    reset: () => checks.clear(),
    /** Puts a plan in force, or none (`null`). */
    set(next: Plan | null) {
      plan = next;
      compiled = next ? compilePlan(next) : null;
      checks.clear();
      return next && compiled ? { name: next.name, version: next.version, key: compiled.key } : null;
    },
  };
}
