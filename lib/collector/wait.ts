import { closest, countByName, matches, type Difference, type EventMatch } from './query';
import type { ReceivedEvent } from './store';
import type { WireEvent } from '../wire/events';

/** What POST /__collector/wait answers. */
export type WaitResult =
  | { kind: 'matched'; events: WireEvent[] }
  | { kind: 'timeout'; matched: number; closest: { event: WireEvent; differences: Difference[] }[]; names: Record<string, number> };

interface Waiter {
  match: EventMatch;
  count: number;
  found: WireEvent[];
  timer: ReturnType<typeof setTimeout>;
  resolve(result: WaitResult): void;
}

/**
 * Open waits, answered from ingest the moment enough matching events are accepted, so a
 * client never polls. A wait counts every held event that matches, those received before it
 * began included (a test resets the collector first); a reset starts every count again.
 */
export function createWaiters(events: () => readonly ReceivedEvent[]) {
  const open = new Set<Waiter>();

  function settle(waiter: Waiter, result: WaitResult) {
    clearTimeout(waiter.timer);
    open.delete(waiter);
    waiter.resolve(result);
  }

  return {
    /** Resolves when `count` held events match, or with the closest ones after `timeoutMs`. */
    wait(match: EventMatch, count: number, timeoutMs: number, signal?: AbortSignal): Promise<WaitResult> {
      const found = events().filter((item) => matches(item.event, match)).map((item) => item.event);
      if (found.length >= count) return Promise.resolve({ kind: 'matched', events: found });
      return new Promise((resolve) => {
        const waiter: Waiter = {
          match, count, found, resolve,
          timer: setTimeout(() => {
            const held = events();
            settle(waiter, { kind: 'timeout', matched: waiter.found.length, closest: closest(held, match), names: countByName(held) });
          }, timeoutMs),
        };
        open.add(waiter);
        // A client that hung up needs no answer; its timer must not hold the process either.
        signal?.addEventListener('abort', () => {
          clearTimeout(waiter.timer);
          open.delete(waiter);
        });
      });
    },
    /** Called with the events one request added. */
    offer(fresh: readonly ReceivedEvent[]) {
      for (const waiter of open) {
        for (const item of fresh) if (matches(item.event, waiter.match)) waiter.found.push(item.event);
        if (waiter.found.length >= waiter.count) settle(waiter, { kind: 'matched', events: waiter.found });
      }
    },
    reset() {
      for (const waiter of open) waiter.found = [];
    },
    /** Ends every wait (the collector is closing): each gets its timeout answer now. */
    close() {
      for (const waiter of [...open]) settle(waiter, { kind: 'timeout', matched: waiter.found.length, closest: [], names: {} });
    },
    size: () => open.size,
  };
}

export type Waiters = ReturnType<typeof createWaiters>;
