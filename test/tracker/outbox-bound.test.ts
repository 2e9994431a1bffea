import { describe, expect, it } from 'vitest';
import type { TrodoEvent } from '../../lib/event';
import { oldestOver } from '../../lib/tracker/outbox-bound';
import { memoryOutboxStore } from '../../lib/tracker/outbox-store';
import { createTracker } from '../../lib/tracker/tracker';

const page = { url: 'https://shop.test/', path: '/', title: 'Shop', referrer: null, screenWidth: 1, screenHeight: 1, viewportWidth: 1, viewportHeight: 1, dpi: 1 };
const flushMicrotasks = () => new Promise((resolve) => setTimeout(resolve, 0));

/** A tracker whose bridge never acknowledges: the extension is gone or its context invalidated. */
function unackedTracker(store = memoryOutboxStore(), maxOutbox?: number) {
  let seq = 0;
  const debug: string[] = [];
  const posted: string[] = [];
  const tracker = createTracker({
    store,
    post: (json) => posted.push(json),
    pageData: () => page,
    now: () => 1_000,
    eventId: () => `id-${String(++seq).padStart(6, '0')}`,
    newId: () => 'x',
    schedule: (task) => queueMicrotask(task),
    debug: (m) => debug.push(m),
    stringify: JSON.stringify,
    startAuto: () => {},
    maxOutbox,
  });
  return { tracker, store, debug, posted };
}

describe('oldestOver', () => {
  it('names the oldest keys past the bound, in insertion order', () => {
    const map = new Map([['a', 1], ['b', 2], ['c', 3], ['d', 4]]);
    expect(oldestOver(map, 2)).toEqual(['a', 'b']);
    expect(oldestOver(map, 4)).toEqual([]);
  });
});

describe('page outbox bound', () => {
  it('over the bound, drops the oldest unacknowledged events from memory and the stored outbox, with a debug note', async () => {
    const { tracker, store, debug } = unackedTracker(undefined, 3);
    await tracker.api.ready();
    for (let i = 0; i < 5; i++) void tracker.api.track('kept_waiting', { i });
    await flushMicrotasks();
    expect([...tracker.unacked.values()].map((e) => e.properties.i)).toEqual([2, 3, 4]);
    expect([...store.events.values()].map((e) => e.properties.i)).toEqual([2, 3, 4]);
    // The oldest go first: the session's record and session_start (queued with the first
    // event), then events 0 and 1; one debug line for the burst, not one per event.
    expect(debug.filter((m) => m.includes('outbox full'))).toEqual(['outbox full: 3 events wait for the extension; dropped the 4 oldest']);
  });

  it('bounds an outbox left by earlier page loads when it is read back', async () => {
    const store = memoryOutboxStore();
    for (let i = 0; i < 6; i++) {
      const event: TrodoEvent = { id: `old-${i}`, time: 1, kind: 'custom', name: 'left_over', category: 'custom', sessionId: 's', distinctId: 'd', properties: { i }, page };
      store.events.set(event.id, event);
    }
    const { tracker, debug } = unackedTracker(store, 4);
    await tracker.api.ready();
    await flushMicrotasks();
    expect([...tracker.unacked.keys()]).toEqual(['old-2', 'old-3', 'old-4', 'old-5']);
    expect(store.events.size).toBe(4);
    expect(debug.some((m) => m.includes('dropped the 2 oldest'))).toBe(true);
  });

  it('tracking past the bound never throws into the page', async () => {
    const { tracker } = unackedTracker(undefined, 1);
    await tracker.api.ready();
    expect(() => {
      for (let i = 0; i < 100; i++) void tracker.api.track('burst', { i });
    }).not.toThrow();
    await flushMicrotasks();
    expect(tracker.unacked.size).toBe(1);
  });
});
