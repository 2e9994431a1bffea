/**
 * Shared fakes for the unit tests: events and history records with valid shapes, a manual
 * clock with timers, and ways to let promises and fake-indexeddb settle without sleeping.
 */
import type { PageData, TrodoEvent } from '../lib/event';
import type { HistoryRecord } from '../lib/history';
import { createIdGenerator } from '../lib/ids';
import { CAPS, encodeEvents, type BridgeToWorker } from '../lib/protocol';

export const T0 = Date.UTC(2025, 0, 15, 12, 0, 0);

export const PAGE: PageData = {
  url: 'https://shop.test/pricing?plan=pro',
  path: '/pricing',
  title: 'Pricing',
  referrer: 'https://search.test/',
  screenWidth: 1920,
  screenHeight: 1080,
  viewportWidth: 1280,
  viewportHeight: 720,
  dpi: 2,
};

/** Ids in creation order, from a fixed clock, so tests can sort and compare them. */
export function idSource(start = T0): () => string {
  let ms = start;
  return createIdGenerator(() => ms++);
}

const defaultIds = idSource();

/** Events as the bridge forwards them to the worker: the tracker's message text, unparsed. */
export function pageEvents(events: readonly unknown[]): BridgeToWorker {
  return { type: 'page-events', json: encodeEvents(events.map((event) => JSON.stringify(event))) };
}

/** Many events as the tracker sends them: in messages of at most CAPS.eventsPerMessage. */
export function pageMessages(events: readonly unknown[]): BridgeToWorker[] {
  const out: BridgeToWorker[] = [];
  for (let i = 0; i < events.length; i += CAPS.eventsPerMessage) out.push(pageEvents(events.slice(i, i + CAPS.eventsPerMessage)));
  return out;
}

export function makeEvent(overrides: Partial<TrodoEvent> = {}, nextId: () => string = defaultIds): TrodoEvent {
  return {
    id: nextId(),
    time: T0,
    kind: 'custom',
    name: 'signup_completed',
    category: 'custom',
    sessionId: 'session-1',
    distinctId: 'anon-1',
    properties: { plan: 'pro' },
    page: { ...PAGE },
    ...overrides,
  };
}

export function makeRecord(event: TrodoEvent = makeEvent(), overrides: Partial<HistoryRecord> = {}): HistoryRecord {
  return {
    id: event.id,
    event,
    tabId: 1,
    origin: 'https://shop.test',
    status: 'queued',
    capturedAt: event.time,
    queuedAt: T0,
    attempts: 0,
    ...overrides,
  };
}

/** Lets queued microtasks and I/O callbacks (fake-indexeddb uses setImmediate) run. */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** Waits (without a clock) until `condition` holds; fails after `rounds` event-loop turns. */
export async function until(condition: () => boolean | Promise<boolean>, rounds = 500): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    if (await condition()) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  throw new Error('condition not met');
}

export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/**
 * A clock and timers that move only when told to, matching the `now` / `setTimer` /
 * `clearTimer` deps that lib modules take.
 */
export function manualClock(start = T0) {
  let now = start;
  let seq = 0;
  const timers = new Map<number, { at: number; task: () => void }>();

  const clock = {
    now: () => now,
    set(time: number) {
      now = time;
    },
    setTimer: (task: () => void, ms: number): unknown => {
      const id = ++seq;
      timers.set(id, { at: now + Math.max(0, ms), task });
      return id;
    },
    clearTimer: (handle: unknown) => {
      timers.delete(handle as number);
    },
    /** Delays (from now) of the timers still pending, soonest first. */
    pending: () => [...timers.values()].map((t) => t.at - now).sort((a, b) => a - b),
    /** Moves time forward, running each timer that falls due at its own time, then settles. */
    async advance(ms: number) {
      const end = now + ms;
      for (;;) {
        let nextId = -1;
        let next: { at: number; task: () => void } | undefined;
        for (const [id, timer] of timers) {
          if (timer.at <= end && (!next || timer.at < next.at)) {
            next = timer;
            nextId = id;
          }
        }
        if (!next) break;
        timers.delete(nextId);
        now = next.at;
        next.task();
        await settle();
      }
      now = end;
      await settle();
    },
  };
  return clock;
}
