import type { HistoryRecord } from '../history';
import type { LoadedPlan } from '../plan/types';
import { toWireEvent } from '../wire/events';
import { planCoverage, describeViolation } from './plan-view';

/** Where the report was made: the browser and the extension's version. */
export interface ReportContext {
  browser: string;
  extensionVersion: string;
  /** When the report was made, epoch ms. */
  now: number;
}

/**
 * A QA report of the events in view against the plan: the plan's version, browser and
 * extension, the time span, coverage, and each distinct violation with one example event.
 * The same facts as JSON (for tools) and Markdown (for a ticket).
 */
export function qaReport(loaded: LoadedPlan | null, records: readonly HistoryRecord[], context: ReportContext) {
  const times = records.map((r) => r.event.time);
  const span = times.length ? { from: new Date(Math.min(...times)).toISOString(), to: new Date(Math.max(...times)).toISOString() } : null;
  const byId = new Map(records.map((r) => [r.id, r]));
  const cover = loaded ? planCoverage(loaded.plan, records, null) : null;
  const json = {
    generatedAt: new Date(context.now).toISOString(),
    plan: loaded ? { name: loaded.plan.name, version: loaded.plan.version, key: loaded.key, source: loaded.source } : null,
    browser: context.browser,
    extensionVersion: context.extensionVersion,
    events: records.length,
    span,
    coverage: cover && {
      summary: cover.summary,
      planned: cover.planned.map(({ name, seenAll, lastSeen, withViolations }) => ({ name, seen: seenAll, lastSeen: lastSeen === null ? null : new Date(lastSeen).toISOString(), withViolations })),
      notSeen: cover.notSeen,
      unplanned: cover.unplanned.map(({ name, count }) => ({ name, count })),
    },
    violations: (cover?.violations ?? []).map(({ name, violation, count, exampleId }) => {
      const example = byId.get(exampleId);
      return { event: name, ...violation, count, example: example ? toWireEvent(example.event) : null };
    }),
  };
  return { json: `${JSON.stringify(json, null, 2)}\n`, markdown: markdown(json) };
}

function markdown(r: {
  generatedAt: string;
  plan: { name: string; version: string } | null;
  browser: string;
  extensionVersion: string;
  events: number;
  span: { from: string; to: string } | null;
  coverage: { summary: string; planned: { name: string; seen: number; lastSeen: string | null; withViolations: number }[]; notSeen: string[]; unplanned: { name: string; count: number }[] } | null;
  violations: { event: string; kind: string; path: string; expected: string; actual: string; count: number; example: unknown }[];
}): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const lines = [
    `# QA report: ${r.plan ? `${r.plan.name} v${r.plan.version}` : 'no tracking plan'}`,
    '',
    `- Generated: ${r.generatedAt}`,
    `- Browser: ${r.browser}`,
    `- Trodo QA extension: ${r.extensionVersion}`,
    `- Events: ${r.events}${r.span ? ` from ${r.span.from} to ${r.span.to}` : ''}`,
  ];
  if (r.coverage) {
    lines.push(`- Coverage: ${r.coverage.summary}`, '', '## Planned events', '', '| event | seen | last seen | with violations |', '|---|---:|---|---:|');
    for (const p of r.coverage.planned) lines.push(`| ${cell(p.name)} | ${p.seen} | ${p.lastSeen ?? '–'} | ${p.withViolations} |`);
    lines.push('', `Not seen: ${r.coverage.notSeen.length ? r.coverage.notSeen.map((n) => `\`${n}\``).join(', ') : 'none'}`);
    lines.push('', `Unplanned events seen: ${r.coverage.unplanned.length ? r.coverage.unplanned.map((u) => `\`${u.name}\` ×${u.count}`).join(', ') : 'none'}`);
  }
  lines.push('', '## Violations', '');
  if (r.violations.length === 0) lines.push('None.');
  for (const v of r.violations) {
    lines.push(`### \`${v.event}\`: ${describeViolation({ kind: v.kind as never, path: v.path, expected: v.expected, actual: v.actual })} (×${v.count})`, '', '```json', JSON.stringify(v.example, null, 2), '```', '');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
