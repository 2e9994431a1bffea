import type { PageData } from '../event';

/** Reads the page context stamped on every event. Only cheap reads: no layout is forced. */
export function readPageData(win: Window): PageData {
  const { location, document, screen } = win;
  return {
    url: location.href,
    path: location.pathname,
    title: document.title,
    referrer: document.referrer || null,
    screenWidth: screen.width,
    screenHeight: screen.height,
    viewportWidth: win.innerWidth,
    viewportHeight: win.innerHeight,
    dpi: win.devicePixelRatio || 1,
  };
}
