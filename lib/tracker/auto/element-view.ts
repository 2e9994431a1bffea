import type { Emit } from './catalog';
import { describe, isPrivate } from './element';
import { later, on, safely } from './guard';

export const VIEW_ATTRIBUTE = 'data-trodo-view';
const VISIBLE_RATIO = 0.5;
const DWELL_MS = 1000;

/**
 * element_view: an element marked `data-trodo-view` that stays at least half visible for
 * a second, once per page load. Marked elements are collected at DOMContentLoaded and at
 * load (no page-wide MutationObserver: that would cost every page on every DOM change).
 */
export function startElementViews(emit: Emit, signal: AbortSignal): void {
  const timers = new Map<Element, ReturnType<typeof setTimeout>>();
  /** Observed once per load: a viewed element is unobserved and never counted again. */
  const watched = new WeakSet<Element>();
  const observer = new IntersectionObserver(safely((entries: IntersectionObserverEntry[]) => {
    for (const entry of entries) {
      const el = entry.target;
      if (entry.isIntersecting && entry.intersectionRatio >= VISIBLE_RATIO) {
        if (!timers.has(el)) timers.set(el, later(() => seen(el, entry.intersectionRatio), DWELL_MS, signal));
      } else {
        clearTimeout(timers.get(el));
        timers.delete(el);
      }
    }
  }), { threshold: VISIBLE_RATIO });

  const seen = (el: Element, ratio: number) => {
    observer.unobserve(el);
    emit('element_view', {
      view_id: el.getAttribute(VIEW_ATTRIBUTE) || null,
      time_in_viewport_ms: DWELL_MS,
      viewport_percent_visible: Math.round(ratio * 100),
    }, describe(el));
  };
  const scan = () => {
    for (const el of document.querySelectorAll(`[${VIEW_ATTRIBUTE}]`)) {
      if (watched.has(el) || isPrivate(el)) continue;
      watched.add(el);
      observer.observe(el);
    }
  };
  on(document, 'DOMContentLoaded', scan, signal);
  on(window, 'load', scan, signal);
  if (document.readyState !== 'loading') later(scan, 0, signal);
  signal.addEventListener('abort', () => observer.disconnect());
}
