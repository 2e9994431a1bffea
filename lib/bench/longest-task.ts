import type { BrowserContext, Page } from '@playwright/test';
import { harness } from './harness';
import { median } from './stats';

export interface LongestTask {
  /** Longest renderer main-thread task of each run, ms. */
  runsMs: number[];
  medianMs: number;
  /** Tasks of 50 ms or more, per run. */
  longTasks: number[];
}

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  dur?: number;
  args?: { name?: string };
}

/**
 * The longest main-thread task of the page's renderer while it tracks `events` events
 * (chunks of 500, yielding between them, as a busy page would) and until the worker has
 * acknowledged them all: tracker, bridge and harness together. Read from a CDP trace
 * (every `RunTask` of the renderer's main thread), not from `longtask` entries, which
 * only exist above 50 ms and so could not show how far below the goal a run is.
 */
export async function measureLongestTask(context: BrowserContext, page: Page, events = 10_000, times = 3): Promise<LongestTask> {
  const cdp = await context.newCDPSession(page);
  const h = harness(page);
  const runsMs: number[] = [];
  const longTasks: number[] = [];
  for (let i = 0; i < times; i++) {
    await h.idle(300);
    const trace: TraceEvent[] = [];
    const collect = ({ value }: { value: object[] }) => void trace.push(...(value as TraceEvent[]));
    cdp.on('Tracing.dataCollected', collect);
    const complete = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
    await cdp.send('Tracing.start', { categories: 'devtools.timeline,disabled-by-default-devtools.timeline', transferMode: 'ReportEvents' });
    await h.burst(events, `longest-${i}`);
    const acked = await h.untilAcked(120_000);
    await cdp.send('Tracing.end');
    await complete;
    cdp.off('Tracing.dataCollected', collect);
    if (!acked) throw new Error('longest-task run: events were not acked within 120 s');
    const mains = new Set(trace.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
    // The page's renderer is the main thread that ran the most tasks in the window.
    const tasks = new Map<string, number[]>();
    for (const e of trace) {
      const key = `${e.pid}:${e.tid}`;
      if (e.name !== 'RunTask' || e.ph !== 'X' || !mains.has(key)) continue;
      let list = tasks.get(key);
      if (!list) tasks.set(key, (list = []));
      list.push((e.dur ?? 0) / 1000);
    }
    const busiest = [...tasks.values()].sort((x, y) => y.length - x.length)[0] ?? [];
    runsMs.push(Math.max(0, ...busiest));
    longTasks.push(busiest.filter((ms) => ms >= 50).length);
  }
  await cdp.detach();
  return { runsMs, medianMs: median(runsMs), longTasks };
}
