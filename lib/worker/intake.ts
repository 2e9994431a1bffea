import type { TrodoEvent } from '../event';
import { RATE, bridgeEvents, isBridgeToWorker } from '../protocol';
import { tokenBucket } from '../rate-limit';

/** Events one bridge message brought, with who sent them (from the port's sender). */
export interface Arrival<Port> {
  port: Port;
  events: TrodoEvent[];
  tabId: number;
  origin: string;
}

export interface IntakeDeps<Port> {
  now: () => number;
  log: (message: string) => void;
  /** Stores a batch of arrivals and acknowledges each; throws (acknowledging none) on failure. */
  store: (batch: Arrival<Port>[]) => Promise<void>;
  /** Waited for before the first store (the settings loading). */
  ready: Promise<unknown>;
  /** Tells a bridge its events were not taken, and when its page should send them again. */
  refuse: (port: Port, retryMs: number) => void;
}

/** When a page sends again after its events waited too long to be stored, or failed to be. */
export const RETRY_STORE_MS = 1000;

/** Most events stored in one transaction when bridge messages pile up. */
export const INGEST_BATCH = 2000;
/** Most events waiting to be stored; past it, bridges are refused (and send again later). */
export const MAX_WAITING = 10_000;

/**
 * The way into the worker's store for what bridges send: checks each message again, limits
 * each tab's rate (its frames share one budget), refuses while too much is waiting, takes
 * an event that is already waiting once, and stores one transaction at a time. Messages
 * that arrive while one is being stored go together into the next (up to INGEST_BATCH
 * events), so a burst costs a few large transactions, not one per message queued behind
 * one another. Refused events are not acknowledged, and their bridge is told so (`refused`),
 * so that its page sends them again.
 */
export function createIntake<Port>(deps: IntakeDeps<Port>) {
  const tabRates = new Map<number, ReturnType<typeof tokenBucket>>();
  const arrivals: Arrival<Port>[] = [];
  /** Ids of the events in `arrivals` and in the batch being stored. */
  const waiting = new Set<string>();
  /** Tabs whose events are being refused now: one log line per episode. */
  const refusing = new Set<number>();
  let storing = false;

  function refusal(tabId: number, count: number): { why: string; retryMs: number } | null {
    if (waiting.size + count > MAX_WAITING) return { why: `${waiting.size} events are waiting to be stored`, retryMs: RETRY_STORE_MS };
    const rate = tabRates.get(tabId);
    if (!rate?.take(count)) return { why: 'the tab is over its event rate', retryMs: rate ? rate.waitMs(count) : RETRY_STORE_MS };
    return null;
  }

  async function storeAll() {
    storing = true;
    try {
      await deps.ready;
      while (arrivals.length) {
        let count = 0;
        let take = 0;
        while (take < arrivals.length && (take === 0 || count + arrivals[take]!.events.length <= INGEST_BATCH)) count += arrivals[take++]!.events.length;
        const batch = arrivals.splice(0, take);
        let stored = true;
        await deps.store(batch).catch((error) => {
          stored = false;
          deps.log(`could not store events: ${String(error)}`);
        });
        for (const { events } of batch) for (const event of events) waiting.delete(event.id);
        // Not stored, so not acknowledged: their pages send them again.
        if (!stored) for (const port of new Set(batch.map((a) => a.port))) deps.refuse(port, RETRY_STORE_MS);
      }
    } finally {
      storing = false;
    }
  }

  return {
    /** A bridge of this tab connected. */
    openTab(tabId: number) {
      if (!tabRates.has(tabId)) tabRates.set(tabId, tokenBucket(RATE.tabEvents, deps.now));
    },
    /** The tab's last bridge went away. */
    closeTab(tabId: number) {
      tabRates.delete(tabId);
      refusing.delete(tabId);
    },
    receive(port: Port, message: unknown, tabId: number, origin: string) {
      if (!isBridgeToWorker(message)) return;
      // The page's text, parsed and checked here rather than on the page's thread.
      const parsed = bridgeEvents(message);
      if (!parsed.ok) return deps.log(`rejected a message from tab ${tabId} (${origin}): ${parsed.error}`);
      for (const { id, error } of parsed.value.rejected) deps.log(`rejected event ${id ?? '(no id)'} from tab ${tabId} (${origin}): ${error}`);
      const events = parsed.value.events.filter((event) => !waiting.has(event.id));
      if (!events.length) return;
      const refused = refusal(tabId, events.length);
      if (refused) {
        if (!refusing.has(tabId)) deps.log(`refusing events from tab ${tabId} (${origin}) for now: ${refused.why}`);
        refusing.add(tabId);
        deps.refuse(port, refused.retryMs);
        return;
      }
      refusing.delete(tabId);
      for (const event of events) waiting.add(event.id);
      arrivals.push({ port, events, tabId, origin });
      if (!storing) void storeAll();
    },
  };
}
