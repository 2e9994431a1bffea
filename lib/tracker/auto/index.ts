import type { AutoModule, Emit } from './catalog';
import { startClicks } from './clicks';
import { startElementViews } from './element-view';
import { startErrors } from './errors';
import { startExitIntent } from './exit-intent';
import { startForms } from './forms';
import { onFault, safely } from './guard';
import { startMedia } from './media';
import { startNetwork } from './network';
import { startPageViews } from './page-view';
import { startPerformance } from './performance';
import { startScroll } from './scroll';
import { startSelection } from './selection';

/**
 * The families that must watch from document_start: what they see during the load (errors,
 * the first page view and history changes, failed requests) cannot be recovered later.
 */
const EARLY: AutoModule[] = [startErrors, startPageViews, startNetwork];
/** The rest start after the load event: nothing they report needs them sooner (the performance observers read buffered entries). */
const LATE: AutoModule[] = [startClicks, startScroll, startElementViews, startSelection, startExitIntent, startForms, startMedia, startPerformance];

/**
 * Starts every auto-event family, the late ones when `afterLoad` calls back; all stop when
 * `signal` aborts. A family that cannot start in this page (an API missing) is skipped,
 * with a debug line, without stopping the others.
 */
export function startAutoEvents(emit: Emit, signal: AbortSignal, debug: (message: string) => void, afterLoad: (task: () => void) => void = (task) => task()): void {
  onFault((error) => debug(`auto-event handler failed: ${String(error)}`));
  for (const start of EARLY) safely(start)(emit, signal);
  afterLoad(() => {
    if (!signal.aborted) for (const start of LATE) safely(start)(emit, signal);
  });
}
