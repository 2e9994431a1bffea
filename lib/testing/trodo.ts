import type { EventFilter, EventMatch } from '../collector/query';
import type { Summary } from '../collector/store';
import type { WireEvent } from '../wire/events';
import type { CollectorClient, ViolationReport, WaitAnswer } from './collector-client';
import { describeMiss } from './describe';
import type { ExtensionStatus } from './extension-status';

/**
 * What a test gets as `trodo`: the events that reached the collector, waits answered by it
 * (no polling), and the extension's own view of delivery.
 *
 * @example
 * const event = await trodo.waitForEvent('checkout_completed', { amount_cents: 5800 });
 */
export interface Trodo {
  /** The collector this worker's extension sends to. */
  readonly collectorUrl: string;
  /** Received events (wire shape), filtered as GET /__collector/events filters. */
  events(filter?: EventFilter): Promise<WireEvent[]>;
  /** The first event of that name whose custom_properties include `props`; throws with the closest one after `timeout`. */
  waitForEvent(name: string, props?: Record<string, unknown>, options?: { timeout?: number }): Promise<WireEvent>;
  /** What the collector counted: received, duplicates, invalid, by event name. */
  summary(): Promise<Summary>;
  /** The plan in force, its coverage, and each received event that broke it (sends what the extension holds first). */
  violations(): Promise<ViolationReport>;
  /** Forgets what the collector received (the fixture does this before each test). */
  reset(): Promise<void>;
  /** The extension's counts: captured, queued, sent, retrying, dropped. */
  status(): Promise<ExtensionStatus>;
  /** Asks the extension to send now; resolves when its queue is empty (false if not within `timeout`). */
  flush(options?: { timeout?: number }): Promise<boolean>;
  /** @internal for the matchers */
  readonly _wait: (match: EventMatch, count: number, timeoutMs: number) => Promise<WaitAnswer>;
}

export const DEFAULT_WAIT_MS = 5000;

export function createTrodo(client: CollectorClient, extension: { status(): Promise<ExtensionStatus>; settle(ms: number): Promise<boolean> }): Trodo {
  return {
    collectorUrl: client.url,
    events: (filter) => client.events(filter),
    async waitForEvent(name, props, options = {}) {
      const answer = await client.wait(eventMatch(name, props), 1, options.timeout ?? DEFAULT_WAIT_MS);
      if (answer.ok) return answer.events[0]!;
      throw new Error(`trodo.waitForEvent("${name}"${props ? `, ${JSON.stringify(props)}` : ''}) timed out after ${options.timeout ?? DEFAULT_WAIT_MS} ms.\n${describeMiss(name, answer, 1)}`);
    },
    summary: () => client.summary(),
    async violations() {
      await extension.settle(DEFAULT_WAIT_MS);
      return client.violations();
    },
    reset: () => client.reset(),
    status: () => extension.status(),
    flush: (options = {}) => extension.settle(options.timeout ?? DEFAULT_WAIT_MS),
    _wait: (match, count, timeoutMs) => client.wait(match, count, timeoutMs),
  };
}

export function eventMatch(name: string, props?: Record<string, unknown>): EventMatch {
  return props ? { event_name: name, custom_properties: props } : { event_name: name };
}
