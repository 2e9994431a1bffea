import type { Verdict } from './verdict';

const escape = (text: string) => text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);

interface Case {
  name: string;
  failure?: { message: string; details: string };
  skipped?: string;
}

/**
 * JUnit XML for CI dashboards: one test case per planned event (failed when an event of that
 * name broke the plan or a required one was not seen, skipped when not seen), one per
 * unplanned name that broke it, and one per required name the plan does not hold.
 */
export function junitXml(v: Verdict, require: readonly string[] = []): string {
  const cases: Case[] = [];
  const failing = (name: string): Case['failure'] => {
    const broken = v.broken.filter((b) => b.event_name === name);
    const missing = v.missing.includes(name);
    if (!broken.length && !missing) return undefined;
    const message = [broken.length ? `${broken.length} events broke the plan` : '', missing ? 'required but not seen' : ''].filter(Boolean).join('; ');
    const details = broken.flatMap((b) => b.violations.map((x) => `${b.event_id}: ${x.path} ${x.kind}: expected ${x.expected}, got ${x.actual}`)).join('\n');
    return { message, details };
  };
  for (const name of Object.keys(v.plan.events)) {
    const failure = failing(name);
    cases.push(failure ? { name, failure } : v.seen[name] ? { name } : { name, skipped: 'not seen in this run' });
  }
  for (const name of new Set([...v.broken.map((b) => b.event_name), ...require])) {
    if (name in v.plan.events) continue;
    cases.push({ name, ...(failing(name) ? { failure: failing(name)! } : {}) });
  }
  const failures = cases.filter((c) => c.failure).length;
  const skipped = cases.filter((c) => c.skipped).length;
  const suite = escape(`Tracking plan ${v.plan.name} v${v.plan.version}`);
  const body = cases
    .map((c) => {
      const open = `    <testcase classname="${escape(`trodo-qa.${v.plan.name}`)}" name="${escape(c.name)}"`;
      if (c.failure) return `${open}>\n      <failure type="tracking-plan" message="${escape(c.failure.message)}">${escape(c.failure.details)}</failure>\n    </testcase>`;
      if (c.skipped) return `${open}>\n      <skipped message="${escape(c.skipped)}"/>\n    </testcase>`;
      return `${open}/>`;
    })
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="trodo-qa verify" tests="${cases.length}" failures="${failures}" skipped="${skipped}">\n  <testsuite name="${suite}" tests="${cases.length}" failures="${failures}" skipped="${skipped}">\n${body}\n  </testsuite>\n</testsuites>\n`;
}
