import { describe, expect, it } from 'vitest';
import { scriptCostOf } from '../../lib/bench/page-script-cost';

const EXT = 'chrome-extension://abc/content-scripts/tracker.js';
const main = { pid: 1, tid: 2 };
const thread = { ...main, name: 'thread_name', ph: 'M', ts: 0, args: { name: 'CrRendererMain' } };
const mark = (name: string, ts: number) => ({ ...main, name, ph: 'R', ts, args: { frame: 'F' } });
const slice = (name: string, ts: number, dur: number, tdur: number, url = EXT) => ({ ...main, name, ph: 'X', ts, dur, tdur, args: { data: { url } } });

describe('scriptCostOf (the extension scripts’ CPU per load, by phase)', () => {
  it('splits one load into the previous page’s unload, before domInteractive and up to load end, counting nested calls once', () => {
    const trace = [
      thread,
      mark('navigationStart', 1000),
      { ...main, name: 'Document::DispatchUnloadEvents', ph: 'X', ts: 1100, dur: 500 },
      slice('FunctionCall', 1200, 300, 250), // pagehide of the page navigated away from
      mark('navigationStart', 1700), // marked again when the new document commits
      slice('EvaluateScript', 2000, 900, 800),
      slice('FunctionCall', 2100, 200, 150), // the bridge's listener inside the tracker's evaluation
      slice('EvaluateScript', 2000, 100, 90, 'https://site.test/app.js'), // the page's own
      mark('domInteractive', 5000),
      slice('FunctionCall', 5100, 400, 300), // DOMContentLoaded
      mark('loadEventEnd', 6000),
      slice('FunctionCall', 7000, 900, 900), // after load: not the load's
    ];
    expect(scriptCostOf(trace)).toEqual({ loads: 1, beforeDomInteractive: 0.8, domInteractiveToLoad: 0.3, previousPageUnload: 0.25 });
  });

  it('gives the median over loads', () => {
    const load = (at: number, before: number) => [mark('navigationStart', at), slice('EvaluateScript', at + 10, 100, before), mark('domInteractive', at + 200), mark('loadEventEnd', at + 300)];
    const trace = [thread, ...load(0, 1000), ...load(10_000, 3000), ...load(20_000, 2000)];
    expect(scriptCostOf(trace).beforeDomInteractive).toBe(2);
    expect(scriptCostOf(trace).loads).toBe(3);
  });
});
