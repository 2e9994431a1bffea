/** Waits this long at most for the load event: a page with a hanging resource still gets its tracker. */
export const LOAD_WAIT_MS = 3000;

/**
 * Calls `task` once, in a task of its own after the page's load event (so none of its time
 * is counted in the page's load), or after LOAD_WAIT_MS when load is slow to come. The
 * tracker's start-up work that can wait (opening its IndexedDB, the tab-sharing channel,
 * most auto-capture) waits for this: a QA tool must not change the load it measures.
 * `setTimer` is captured at document_start, before any page script could replace it.
 */
export function afterLoad(win: Window, setTimer: (task: () => void, ms: number) => void, task: () => void): void {
  let done = false;
  const run = () => {
    if (done) return;
    done = true;
    task();
  };
  if (win.document.readyState === 'complete') return setTimer(run, 0);
  win.addEventListener('load', () => setTimer(run, 0), { once: true });
  setTimer(run, LOAD_WAIT_MS);
}
