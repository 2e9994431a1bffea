import type { TrodoEvent } from '../../lib/event';
import type { HistoryRecord } from '../../lib/history';

/** A queued history record for event number `n`; ids sort in `n` order, as UUID v7s do. */
export function queuedRecord(n: number, queuedAt = 1_000, name = `event_${n}`): HistoryRecord {
  // A UUID v7 shape whose last group is n, so ids sort in n order.
  const id = `01900000-0000-7000-8000-${String(n).padStart(12, '0')}`;
  const event: TrodoEvent = {
    id, time: queuedAt, kind: 'custom', name, category: 'custom', sessionId: 's', distinctId: 'd', properties: { n },
    page: { url: 'https://shop.test/', path: '/', title: 'Shop', referrer: null, screenWidth: 1, screenHeight: 1, viewportWidth: 1, viewportHeight: 1, dpi: 1 },
  };
  return { id, event, tabId: 1, origin: 'https://shop.test', status: 'queued', capturedAt: queuedAt, queuedAt, attempts: 0 };
}

export const records = (from: number, count: number, queuedAt?: number) => Array.from({ length: count }, (_, i) => queuedRecord(from + i, queuedAt));
