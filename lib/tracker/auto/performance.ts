import type { JsonObject } from '../../json';
import type { Emit } from './catalog';
import { later, on, safely } from './guard';

/** Sent this long after load if the page is still open (metrics later than that are lost). */
const AFTER_LOAD_MS = 4000;

/**
 * page_performance, once per page load: LCP, CLS, INP (longest interaction, an
 * approximation of the 98th percentile that is exact for pages with < 50 interactions),
 * FCP and TTFB in milliseconds. Sent when the page is hidden or left, or a few seconds
 * after load, whichever comes first.
 */
export function startPerformance(emit: Emit, signal: AbortSignal): void {
  const vitals: Record<string, number | null> = { lcp: null, cls: 0, inp: null, fcp: null, ttfb: null };
  let sent = false;
  const observers: PerformanceObserver[] = [];
  const watch = (type: string, read: (entry: PerformanceEntry) => void, extra: object = {}) => {
    try {
      const observer = new PerformanceObserver(safely((list: PerformanceObserverEntryList) => list.getEntries().forEach(read)));
      observer.observe({ type, buffered: true, ...extra } as PerformanceObserverInit);
      observers.push(observer);
    } catch {
      // This browser does not report that entry type; the metric stays null.
    }
  };
  watch('largest-contentful-paint', (entry) => (vitals.lcp = entry.startTime));
  watch('paint', (entry) => entry.name === 'first-contentful-paint' && (vitals.fcp = entry.startTime));
  watch('layout-shift', (entry) => {
    const shift = entry as PerformanceEntry & { value: number; hadRecentInput: boolean };
    if (!shift.hadRecentInput) vitals.cls! += shift.value;
  });
  watch('event', (entry) => (vitals.inp = Math.max(vitals.inp ?? 0, entry.duration)), { durationThreshold: 40 });

  const send = () => {
    if (sent) return;
    sent = true;
    observers.forEach((observer) => observer.disconnect());
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
    if (nav) vitals.ttfb = nav.responseStart;
    const data: JsonObject = {};
    for (const [key, value] of Object.entries(vitals)) data[key] = value === null ? null : Math.round(value * (key === 'cls' ? 10000 : 1)) / (key === 'cls' ? 10000 : 1);
    emit('page_performance', data);
  };
  on(window, 'pagehide', send, signal);
  on(document, 'visibilitychange', () => document.visibilityState === 'hidden' && send(), signal);
  if (document.readyState === 'complete') later(send, AFTER_LOAD_MS, signal);
  else on(window, 'load', () => later(send, AFTER_LOAD_MS, signal), signal);
  signal.addEventListener('abort', () => observers.forEach((observer) => observer.disconnect()));
}
