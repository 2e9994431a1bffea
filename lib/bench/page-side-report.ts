import type { LongestTask } from './longest-task';
import type { ScriptCost } from './page-script-cost';
import type { PageTiming, Paired } from './page-timing';
import { round } from './stats';

/** The issue-15 page-side measures in `npm run bench` (kept apart from report.ts so either can change alone). */
export interface PageSide {
  timing: PageTiming;
  longestTask: LongestTask;
  /** The extension scripts' own main-thread CPU per load (absent from results written before it existed). */
  scriptCost?: ScriptCost;
}

const ms = (value: number) => `${round(value, 1)} ms`;
const yes = (ok: boolean) => (ok ? 'met' : '**not met**');
const added = (p: Paired) => `**${p.added >= 0 ? '+' : ''}${ms(p.added)}** (IQR ${ms(p.spread[0])} … ${ms(p.spread[1])}; ${ms(p.medianWith)} with, ${ms(p.medianWithout)} without)`;

/** Rows for the end-to-end table, then for the goals table. */
export function pageSideRows(p: PageSide): { measures: string[]; goals: string[] } {
  return {
    measures: [
      `| page load added (navigation → load event end), median of ${p.timing.load.withExtension.length} paired, interleaved loads | ${added(p.timing.load)} |`,
      `| \`domInteractive\` added, the same loads | ${added(p.timing.domInteractive)} |`,
      ...(p.scriptCost ? [scriptCostRow(p.scriptCost)] : []),
      `| longest main-thread task, 10 000 events in chunks of 500 until acked (CDP trace), median of ${p.longestTask.runsMs.length} | ${ms(p.longestTask.medianMs)} (runs ${p.longestTask.runsMs.map((v) => round(v, 1)).join(', ')}) |`,
    ],
    goals: [
      `| page load added, paired loads | ≤ 2 ms median | ${ms(p.timing.load.added)} | ${yes(p.timing.load.added <= 2)} |`,
      `| \`domInteractive\` added | ≤ 1 ms median | ${ms(p.timing.domInteractive.added)} | ${yes(p.timing.domInteractive.added <= 1)} |`,
      `| longest task, 10 000-event burst | < 50 ms | ${ms(p.longestTask.medianMs)} | ${yes(p.longestTask.medianMs < 50)} |`,
    ],
  };
}

function scriptCostRow(c: ScriptCost): string {
  return `| the extension's scripts' main-thread CPU per load (CDP trace, median of ${c.loads}): before \`domInteractive\` · to load end · the previous page's unload | ${ms(c.beforeDomInteractive)} · ${ms(c.domInteractiveToLoad)} · ${ms(c.previousPageUnload)} |`;
}
