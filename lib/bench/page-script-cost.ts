import type { BrowserContext } from '@playwright/test';
import { median } from './stats';

/** Main-thread CPU time of the extension's page scripts per load, by phase: medians over the traced loads, ms. */
export interface ScriptCost {
  loads: number;
  /** Navigation start → domInteractive: the document_start scripts and whatever they run while the parser waits. */
  beforeDomInteractive: number;
  /** domInteractive → load event end: DOMContentLoaded and load listeners. */
  domInteractiveToLoad: number;
  /** The page navigated away from (pagehide, visibilitychange): it runs inside the next navigation, before its load. */
  previousPageUnload: number;
}

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  /** Thread (CPU) time, µs: unlike `dur`, barely moved by other processes on a busy machine. */
  tdur?: number;
  args?: { name?: string; frame?: string; data?: { url?: string; type?: string } };
}

const within = (outer: TraceEvent, inner: TraceEvent) => inner.pid === outer.pid && inner.tid === outer.tid && inner.ts >= outer.ts && inner.ts + (inner.dur ?? 0) <= outer.ts + (outer.dur ?? 0);

/**
 * What the paired page-load figures cannot show on a noisy machine: the main-thread CPU the
 * extension's own scripts (chrome-extension:// EvaluateScript and FunctionCall trace events)
 * cost each load of `url`, read from a CDP trace of `loads` navigations of one tab after
 * three warm-ups. Thread time, not wall time: on this 2-core machine under load, wall time
 * was 2-4× the CPU time, and varied with whatever else ran. Browser-side work the scripts
 * cause (a port to the worker, storage reads) is not in it: see the paired figures for that.
 */
export async function measureScriptCost(context: BrowserContext, url: string, loads = 10): Promise<ScriptCost> {
  const page = await context.newPage();
  for (let i = 0; i < 3; i++) await page.goto(url, { waitUntil: 'load' });
  const cdp = await context.newCDPSession(page);
  const trace: TraceEvent[] = [];
  const collect = ({ value }: { value: object[] }) => void trace.push(...(value as TraceEvent[]));
  cdp.on('Tracing.dataCollected', collect);
  const complete = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
  await cdp.send('Tracing.start', {
    traceConfig: { includedCategories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8', 'blink', 'blink.user_timing', 'loading', 'toplevel'] },
    transferMode: 'ReportEvents',
  });
  for (let i = 0; i < loads; i++) {
    await page.goto(url, { waitUntil: 'load' });
    // loadEventEnd is marked once the load handlers have returned.
    await page.waitForTimeout(100);
  }
  await cdp.send('Tracing.end');
  await complete;
  cdp.off('Tracing.dataCollected', collect);
  await page.close();
  return scriptCostOf(trace);
}

/** The phases of each traced load (one per `loadEventEnd` mark) and the extension's script CPU in each. */
export function scriptCostOf(trace: readonly TraceEvent[]): ScriptCost {
  const mains = new Set(trace.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
  const onMain = trace.filter((e) => e.ph === 'X' && mains.has(`${e.pid}:${e.tid}`));
  const scripts = onMain.filter((e) => (e.name === 'EvaluateScript' || e.name === 'FunctionCall') && String(e.args?.data?.url ?? '').startsWith('chrome-extension://'));
  // Outermost only: the tracker's handshake runs the bridge's listener inside its own evaluation.
  const ours = scripts.filter((e) => !scripts.some((outer) => outer !== e && within(outer, e)));
  const unloads = onMain.filter((e) => e.name === 'Document::DispatchUnloadEvents');
  const cpu = (events: TraceEvent[]) => events.reduce((sum, e) => sum + (e.tdur ?? 0), 0) / 1000;
  const marks = (name: string, frame: string | undefined, after: number, before: number) =>
    trace.filter((e) => e.name === name && e.args?.frame === frame && e.ts > after && e.ts <= before).sort((a, b) => a.ts - b.ts);
  const phases = { beforeDomInteractive: [] as number[], domInteractiveToLoad: [] as number[], previousPageUnload: [] as number[] };
  let previousEnd = -Infinity;
  for (const end of trace.filter((e) => e.name === 'loadEventEnd').sort((a, b) => a.ts - b.ts)) {
    // The navigation's first start mark: Chromium marks it again when the new document commits,
    // after the previous page's unload, which belongs to this navigation.
    const start = marks('navigationStart', end.args?.frame, previousEnd, end.ts)[0];
    const interactive = marks('domInteractive', end.args?.frame, previousEnd, end.ts).at(-1);
    previousEnd = end.ts;
    if (!start || !interactive) continue;
    const between = (from: number, to: number) => ours.filter((e) => e.ts >= from && e.ts < to);
    const unloading = between(start.ts, interactive.ts).filter((e) => unloads.some((u) => within(u, e)));
    phases.beforeDomInteractive.push(cpu(between(start.ts, interactive.ts)) - cpu(unloading));
    phases.previousPageUnload.push(cpu(unloading));
    phases.domInteractiveToLoad.push(cpu(between(interactive.ts, end.ts + 1)));
  }
  return {
    loads: phases.beforeDomInteractive.length,
    beforeDomInteractive: median(phases.beforeDomInteractive),
    domInteractiveToLoad: median(phases.domInteractiveToLoad),
    previousPageUnload: median(phases.previousPageUnload),
  };
}
