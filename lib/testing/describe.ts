import type { Difference } from '../collector/query';
import type { WireEvent } from '../wire/events';
import type { ViolationReport, WaitAnswer } from './collector-client';

type Missed = Extract<WaitAnswer, { ok: false }>;

const show = (value: unknown) => (value === undefined ? 'undefined' : JSON.stringify(value));

/** One line per difference: `custom_properties.amount_cents: expected 5800, received 4200`. */
export function describeDifferences(differences: readonly Difference[]): string[] {
  return differences.map((d) => `  ${d.path}: expected ${show(d.expected)}, ${'actual' in d ? `received ${show(d.actual)}` : 'missing'}`);
}

export function describeNames(names: Record<string, number>): string {
  const entries = Object.entries(names);
  return entries.length ? entries.map(([name, n]) => `${name} ×${n}`).join(', ') : 'none';
}

/**
 * Why no event matched, in the words a reader needs: the nearest event of the same name and
 * how its properties differ, or, when none had the name, the names that were received.
 */
export function describeMiss(name: string, missed: Missed, wanted: number): string {
  const lines = [missed.matched ? `Only ${missed.matched} of ${wanted} matching "${name}" events were received.` : `No matching "${name}" event was received.`];
  const near = missed.closest.find((c) => c.event.event_name === name && c.differences.length);
  if (near) {
    lines.push(`Closest "${name}" event (${near.event.event_id}), by property:`, ...describeDifferences(near.differences));
    lines.push(`  its custom_properties: ${JSON.stringify(near.event.custom_properties)}`);
  } else if (!missed.names[name]) {
    lines.push(`No "${name}" event at all.`);
  }
  lines.push(`Events received: ${describeNames(missed.names)}`);
  return lines.join('\n');
}

export function describeEvents(events: readonly WireEvent[]): string {
  return events.map((e) => `  ${e.event_name} ${JSON.stringify(e.custom_properties)} (${e.event_id})`).join('\n');
}

/** Each event that broke the plan, a line per violation: `$.properties.amount_cents out_of_range: expected minimum 0, got -5`. */
export function describeViolations(report: ViolationReport): string {
  return report.events
    .map((e) => [`  ${e.event_name} (${e.event_id})`, ...e.violations.map((v) => `    ${v.path} ${v.kind}: expected ${v.expected}, got ${v.actual}`)].join('\n'))
    .join('\n');
}
