import { collectorPlan } from '../collector/plan-route';
import type { Plan } from '../plan/types';
import type { WireEvent } from '../wire/events';

/** What `trodo-qa verify` concludes from a plan and the events of a run. */
export interface Verdict {
  plan: Plan;
  /** e.g. "3 of 4 planned events seen, 1 with violations". */
  summary: string;
  events: number;
  /** Events received of each name. */
  seen: Record<string, number>;
  /** Each event that broke the plan, with its violations. */
  broken: ReturnType<ReturnType<typeof collectorPlan>['violations']>['events'];
  notSeen: string[];
  unplanned: { name: string; count: number }[];
  /** Required names with no event. */
  missing: string[];
  ok: boolean;
}

/**
 * The verdict, with the very checks the collector and the extension's worker make (the
 * collector's plan module over lib/plan/), so CI and the viewer never disagree.
 */
export function verdict(plan: Plan, events: readonly WireEvent[], require: readonly string[] = []): Verdict {
  const report = collectorPlan(plan).violations(events);
  const seen: Record<string, number> = {};
  for (const event of events) seen[event.event_name] = (seen[event.event_name] ?? 0) + 1;
  const missing = require.filter((name) => !seen[name]);
  return {
    plan,
    summary: report.summary ?? '',
    events: events.length,
    seen,
    broken: report.events,
    notSeen: report.notSeen ?? [],
    unplanned: (report.unplanned ?? []).map(({ name, count }) => ({ name, count })),
    missing,
    ok: report.events.length === 0 && missing.length === 0,
  };
}

/** The verdict as a person reads it in a CI log. */
export function renderVerdict(v: Verdict, require: readonly string[] = []): string {
  const lines = [`Plan ${v.plan.name} v${v.plan.version}: ${v.summary} (${v.events} events checked)`, 'Coverage:'];
  for (const name of Object.keys(v.plan.events)) {
    const bad = v.broken.filter((b) => b.event_name === name).length;
    const mark = bad || v.missing.includes(name) ? '✗' : v.seen[name] ? '✓' : '·';
    lines.push(`  ${mark} ${name}: ${v.seen[name] ? `seen ${v.seen[name]}` : 'not seen'}${bad ? `, ${bad} with violations` : ''}${require.includes(name) ? ' (required)' : ''}`);
  }
  for (const name of v.missing.filter((n) => !(n in v.plan.events))) lines.push(`  ✗ ${name}: not seen (required, not in the plan)`);
  if (v.unplanned.length) lines.push(`Unplanned: ${v.unplanned.map((u) => `${u.name} ×${u.count}`).join(', ')}`);
  if (v.broken.length) {
    lines.push(`Violations (${v.broken.length} events):`);
    for (const b of v.broken) for (const x of b.violations) lines.push(`  ${b.event_name} (${b.event_id}): ${x.path} ${x.kind}: expected ${x.expected}, got ${x.actual}`);
  }
  const why = [v.broken.length ? `${v.broken.length} events broke the plan` : '', v.missing.length ? `required not seen: ${v.missing.join(', ')}` : ''].filter(Boolean);
  lines.push(v.ok ? 'Verdict: PASS' : `Verdict: FAIL (${why.join('; ')})`);
  return lines.join('\n');
}
