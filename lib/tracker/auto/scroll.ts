import type { Emit } from './catalog';
import { later, on } from './guard';

const SETTLE_MS = 250;

/** page_scroll: each new maximum depth (percent of the scrollable height), once scrolling settles. */
export function startScroll(emit: Emit, signal: AbortSignal): void {
  let max = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  on(window, 'scroll', () => {
    clearTimeout(timer);
    // Layout is read only here, after scrolling settles, never on the scroll event itself.
    timer = later(() => {
      const height = document.documentElement.scrollHeight;
      const room = height - innerHeight;
      const depth = room <= 0 ? 100 : Math.min(100, Math.round((scrollY / room) * 100));
      if (depth <= max) return;
      max = depth;
      emit('page_scroll', { scroll_depth: depth, max_scroll_reached: max, scroll_y: Math.round(scrollY), document_height: height });
    }, SETTLE_MS, signal);
  }, signal);
}
