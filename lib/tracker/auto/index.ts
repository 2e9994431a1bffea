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

/** Every auto-event family, one module each. */
const MODULES: AutoModule[] = [
  startErrors, startPageViews, startClicks, startScroll, startElementViews, startSelection,
  startExitIntent, startForms, startMedia, startNetwork, startPerformance,
];

/**
 * Starts every auto-event family; all stop when `signal` aborts. A family that cannot
 * start in this page (an API missing) is skipped, with a debug line, without stopping the others.
 */
export function startAutoEvents(emit: Emit, signal: AbortSignal, debug: (message: string) => void): void {
  onFault((error) => debug(`auto-event handler failed: ${String(error)}`));
  for (const start of MODULES) safely(start)(emit, signal);
}
