import type { BrowserContext, CDPSession, Page } from '@playwright/test';
import { harness } from './harness';
import { median } from './stats';

export interface MainThread {
  /** Renderer main-thread task time (CDP Performance TaskDuration) from the first call until all 1000 are acked, ms. */
  taskMs: number[];
  scriptMs: number[];
  /** The same window length with no calls: the harness's and the page's own cost. */
  idleTaskMs: number[];
  /** Wall time from the first call until the last ack, ms. */
  wallMs: number[];
  medianTaskMs: number;
  medianScriptMs: number;
  medianIdleTaskMs: number;
  medianWallMs: number;
}

async function metrics(cdp: CDPSession) {
  const { metrics: list } = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
  const get = (name: string) => (list.find((m) => m.name === name)?.value ?? 0) * 1000;
  return { task: get('TaskDuration'), script: get('ScriptDuration') };
}

/**
 * Main-thread time the tracker (MAIN world) and the bridge (isolated world, same renderer
 * thread) spend on 1000 track() calls, from the first call until the worker has acked
 * them all: TaskDuration and ScriptDuration deltas of the page's renderer, read through
 * CDP before and after one evaluate that calls and then waits for the acks without polling.
 */
export async function measureMainThread(context: BrowserContext, page: Page, times = 3): Promise<MainThread> {
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
  const h = harness(page);
  const out: Omit<MainThread, `median${string}`> = { taskMs: [], scriptMs: [], idleTaskMs: [], wallMs: [] };
  for (let i = 0; i < times; i++) {
    await h.idle(300);
    const before = await metrics(cdp);
    const run = await h.loopUntilAcked(1000, `mainthread-${i}`);
    // The last ack's outbox delete is an IndexedDB write the page starts; let it finish.
    await h.idle(100);
    const after = await metrics(cdp);
    if (!run.ok) throw new Error('main-thread run: events were not acked within 60 s');
    const idleBefore = await metrics(cdp);
    await h.idle(run.ms + 100);
    const idleAfter = await metrics(cdp);
    out.taskMs.push(after.task - before.task);
    out.scriptMs.push(after.script - before.script);
    out.idleTaskMs.push(idleAfter.task - idleBefore.task);
    out.wallMs.push(run.ms);
  }
  await cdp.detach();
  return {
    ...out,
    medianTaskMs: median(out.taskMs),
    medianScriptMs: median(out.scriptMs),
    medianIdleTaskMs: median(out.idleTaskMs),
    medianWallMs: median(out.wallMs),
  };
}
