import type { PageData } from '../event';
import { mask } from './auto/mask';

/**
 * Reads the page context stamped on every event. Only cheap reads: no layout is forced.
 * Emails and card- or SSN-shaped numbers in the URLs are masked (query values are kept:
 * campaign parameters belong to page data).
 */
export function readPageData(win: Window): PageData {
  const { location, document, screen } = win;
  return {
    url: mask(location.href, 4096),
    path: location.pathname,
    title: document.title,
    referrer: mask(document.referrer, 4096) || null,
    screenWidth: screen.width,
    screenHeight: screen.height,
    viewportWidth: win.innerWidth,
    viewportHeight: win.innerHeight,
    dpi: win.devicePixelRatio || 1,
  };
}

/**
 * readPageData once per burst: the first event of a task reads it, the others of the same
 * task (and URL) share that object, and the next task reads again. A burst of track()
 * calls pays for the reads once, and none of them can force a layout on each call.
 */
export function pageDataPerBurst(win: Window, schedule: (task: () => void) => void): () => PageData {
  let page: PageData | null = null;
  let href = '';
  return () => {
    const now = win.location.href;
    if (!page || now !== href) {
      if (!page) schedule(() => (page = null));
      page = readPageData(win);
      href = now;
    }
    return page;
  };
}
