import type { Emit } from './catalog';
import { on } from './guard';

/** exit_intent: the pointer leaves through the top of the viewport (towards tabs or the address bar), once per page load. */
export function startExitIntent(emit: Emit, signal: AbortSignal): void {
  let fired = false;
  on<MouseEvent>(document, 'mouseout', (event) => {
    if (fired || event.relatedTarget || event.clientY > 0) return;
    fired = true;
    emit('exit_intent', { time_on_page_ms: Math.round(performance.now()), scroll_y: Math.round(scrollY) });
  }, signal);
}
