import type { Emit } from './catalog';
import { later, on, patch, safely } from './guard';

/**
 * page_view. The rule, so that one visit is counted once:
 * - the initial load counts once, at DOMContentLoaded (so the title is there);
 * - pushState, replaceState, popstate and hashchange count only when the path or the hash
 *   changed since the last counted view: a query-only change (filters, tracking params)
 *   is the same page;
 * - replaceState before the `load` event never counts: routers use it to normalise the URL
 *   of the view being loaded, and that view is already counted (or is about to be);
 * - a page restored from the back/forward cache (pageshow with persisted) counts again.
 */
export function startPageViews(emit: Emit, signal: AbortSignal): void {
  let counted = '';
  const key = () => location.pathname + location.hash;
  const view = (navigation_type: string, force = false) => {
    if (!force && key() === counted) return;
    counted = key();
    emit('page_view', navigation_type === 'load' ? { navigation_type, page_load_time: Math.round(performance.now()) } : { navigation_type });
  };

  if (document.readyState === 'loading') on(document, 'DOMContentLoaded', () => view('load'), signal);
  else later(() => view('load'), 0, signal);

  const changed = safely((method: 'pushState' | 'replaceState') => {
    if (method === 'pushState') view('push');
    else if (document.readyState === 'complete') view('replace');
    // During load: the counted view now has this URL (unless it is still to be counted).
    else if (counted) counted = key();
  });

  for (const method of ['pushState', 'replaceState'] as const) {
    patch(history, method, (original, active) =>
      function (this: History, ...args: Parameters<History['pushState']>) {
        // The page's call first and untouched: its result (and any exception) is its own.
        const result = original.apply(this, args);
        if (active()) changed(method);
        return result;
      }, signal);
  }
  on(window, 'popstate', () => view('pop'), signal);
  on(window, 'hashchange', () => view('hash'), signal);
  on<PageTransitionEvent>(window, 'pageshow', (event) => event.persisted && view('bfcache', true), signal);
}
