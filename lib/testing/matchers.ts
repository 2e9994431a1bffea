import { matches } from '../collector/query';
import { describeEvents, describeMiss, describeViolations } from './describe';
import { DEFAULT_WAIT_MS, eventMatch, type Trodo } from './trodo';

interface MatcherState {
  isNot: boolean;
  timeout?: number;
}
type Result = { pass: boolean; message: () => string; name: string; expected?: unknown; actual?: unknown };

export interface TrackedOptions {
  /** Exactly this many matching events (checked once the extension's queue is empty). */
  times?: number;
  /** How long to wait; the expect timeout by default. */
  timeout?: number;
}

const hint = (isNot: boolean, name: string, props?: Record<string, unknown>, options?: TrackedOptions) =>
  `expect(trodo).${isNot ? 'not.' : ''}toHaveTracked(${JSON.stringify(name)}${props ? `, ${JSON.stringify(props)}` : ''}${options?.times !== undefined ? `, { times: ${options.times} }` : ''})`;

/**
 * Passes once the collector holds an event of that name whose custom_properties include
 * `props`, waiting like Playwright's web-first assertions (the collector answers the moment
 * it arrives). Negated, it first lets the extension send everything it holds, then checks
 * once: an event still queued cannot slip past a `not`.
 */
export async function toHaveTracked(this: MatcherState, trodo: Trodo, name: string, props?: Record<string, unknown>, options: TrackedOptions = {}): Promise<Result> {
  const timeout = options.timeout ?? this.timeout ?? DEFAULT_WAIT_MS;
  const match = eventMatch(name, props);
  const head = hint(this.isNot, name, props, options);

  if (this.isNot) {
    await trodo.flush({ timeout });
    const found = (await trodo.events({ event_name: name })).filter((e) => matches(e, match));
    const pass = options.times === undefined ? found.length > 0 : found.length === options.times;
    return {
      name: 'toHaveTracked',
      pass,
      message: () => `${head}\n\nExpected no such event, but received ${found.length}:\n${describeEvents(found)}`,
    };
  }

  const answer = await trodo._wait(match, options.times ?? 1, timeout);
  if (!answer.ok) return { name: 'toHaveTracked', pass: false, message: () => `${head}\n\n${describeMiss(name, answer, options.times ?? 1)}` };
  if (options.times === undefined) return { name: 'toHaveTracked', pass: true, message: () => head };
  // Enough arrived; a double-fired event may still be on its way, so count what the extension had.
  await trodo.flush({ timeout });
  const found = (await trodo.events({ event_name: name })).filter((e) => matches(e, match));
  return {
    name: 'toHaveTracked',
    pass: found.length === options.times,
    expected: options.times,
    actual: found.length,
    message: () => `${head}\n\nExpected ${options.times} matching events, received ${found.length}:\n${describeEvents(found)}`,
  };
}

/**
 * Passes when no received event broke the plan in force and every `require`d event was
 * received. The extension sends what it holds first, so nothing still queued is missed.
 */
export async function toMatchPlan(this: MatcherState, trodo: Trodo, options: { require?: string[] } = {}): Promise<Result> {
  const head = `expect(trodo).${this.isNot ? 'not.' : ''}toMatchPlan(${options.require ? JSON.stringify({ require: options.require }) : ''})`;
  const report = await trodo.violations();
  if (!report.plan) {
    return { name: 'toMatchPlan', pass: false, message: () => `${head}\n\nNo tracking plan is loaded: test.use({ trodoOptions: { plan } }) or start the collector with --plan.` };
  }
  const received = (await trodo.summary()).byEventName;
  const missing = (options.require ?? []).filter((name) => !received[name]);
  const lines = [`${head}\n\nPlan ${report.plan.name} v${report.plan.version}: ${report.summary ?? ''}`];
  if (report.events.length) lines.push(`${report.events.length} events broke the plan:`, describeViolations(report));
  if (missing.length) lines.push(`Required but not received: ${missing.join(', ')}`);
  if (!report.events.length && !missing.length) lines.push('No violations.');
  return { name: 'toMatchPlan', pass: report.events.length === 0 && missing.length === 0, message: () => lines.join('\n') };
}
