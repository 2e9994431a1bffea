import type { TrodoEvent } from '../event';
import { RATE, parsePageMessage, type BridgeMessage, type BridgeToWorker, type WorkerToBridge } from '../protocol';
import { tokenBucket } from '../rate-limit';

/** The slice of `runtime.Port` the relay uses. */
export interface PortLike {
  postMessage(message: BridgeToWorker): void;
  onMessage: { addListener(listener: (message: WorkerToBridge) => void): void };
  onDisconnect: { addListener(listener: () => void): void };
  disconnect(): void;
}

export interface RelayDeps {
  /** Opens a port to the worker; throws once the extension context is gone. */
  connect: () => PortLike;
  /** False once the extension context is really gone (reloaded or removed), never on a page signal. */
  alive: () => boolean;
  toPage: (json: string) => void;
  now: () => number;
  setTimer: (task: () => void, ms: number) => unknown;
  clearTimer: (handle: unknown) => void;
  debug: (message: string) => void;
  /** The page asked for `Trodo.initialized` or named its site id (see PageMessage `sdk`). */
  onSdk?: (site: string) => void;
}

/** Unacknowledged events older than this are sent again. */
export const RESEND_AFTER_MS = 3000;
const RECONNECT_DELAYS_MS = [50, 200, 500, 1000, 2000, 5000];
const EVENTS_PER_PORT_MESSAGE = 500;

/**
 * The bridge between page and worker. It parses what the page sends (untrusted), keeps
 * every accepted event until the worker acknowledges it, and sends it again after a
 * disconnect (the worker was stopped) or when an acknowledgement is late. The worker's
 * writes are idempotent by event id, so sending again is always safe.
 */
export function createRelay(deps: RelayDeps) {
  const pending = new Map<string, { event: TrodoEvent; sentAt: number }>();
  let port: PortLike | null = null;
  /** The worker's last config; null until it has sent one. */
  let config: { capture: boolean; autoEvents: boolean } | null = null;
  let dead = false;
  let reconnects = 0;
  let timer: unknown = null;
  let timerAt = Infinity;
  const limit = {
    events: tokenBucket(RATE.frameEvents, deps.now),
    bytes: tokenBucket(RATE.frameBytes, deps.now),
    /** Messages and events refused since the last report, and the timer that reopens the page. */
    refused: { messages: 0, events: 0, reopen: null as unknown },
  };

  function toPage(message: BridgeMessage) {
    deps.toPage(JSON.stringify(message));
  }

  function ensurePort(): PortLike | null {
    if (port || dead) return port;
    try {
      const next = deps.connect();
      next.onMessage.addListener(onWorkerMessage);
      next.onDisconnect.addListener(() => {
        if (port === next) port = null;
        // A stopped worker disconnects too; only a missing runtime means the extension is gone.
        if (!deps.alive()) die('the extension was reloaded or removed');
        else if (pending.size) schedule(RECONNECT_DELAYS_MS[Math.min(reconnects++, RECONNECT_DELAYS_MS.length - 1)]!, true);
      });
      port = next;
    } catch (error) {
      die(String(error));
    }
    return port;
  }

  /**
   * The extension context is gone for good: stop, and tell the page. Its tracker keeps its
   * events in the outbox, and the next page load with the extension delivers them.
   */
  function die(reason: string) {
    if (dead) return;
    dead = true;
    deps.debug(`extension unavailable; ${pending.size} events stay in the page outbox (${reason})`);
    if (timer !== null) deps.clearTimer(timer);
    if (limit.refused.reopen !== null) deps.clearTimer(limit.refused.reopen);
    port = null;
    toPage({ t: 'gone' });
  }

  function onWorkerMessage(message: WorkerToBridge) {
    switch (message.type) {
      case 'config': {
        const changed = config?.capture !== message.capture || config.autoEvents !== message.autoEvents;
        config = { capture: message.capture, autoEvents: message.autoEvents };
        if (changed) toPage({ t: 'ready', ...config });
        break;
      }
      case 'merge':
        toPage({ t: 'merge', identifyId: message.identifyId, distinctId: message.distinctId });
        break;
      case 'ack': {
        reconnects = 0;
        // Only ids of this page's own events ever go back to the page.
        const ids = message.ids.filter((id) => pending.delete(id));
        if (ids.length) toPage({ t: 'ack', ids });
        break;
      }
    }
  }

  function forward(events: TrodoEvent[]) {
    const now = deps.now();
    for (const event of events) pending.set(event.id, { event, sentAt: now });
    const reconnecting = !port;
    const target = ensurePort();
    if (!target) return;
    // On a new port (the worker was stopped), everything unacknowledged goes first, in the
    // order it was tracked (the Map keeps first insertion): otherwise these new events could
    // reach the worker, and the server, before older ones the stopped worker never stored.
    let batch = events;
    if (reconnecting) {
      batch = [];
      for (const entry of pending.values()) {
        entry.sentAt = now;
        batch.push(entry.event);
      }
    }
    try {
      for (let i = 0; i < batch.length; i += EVENTS_PER_PORT_MESSAGE) {
        target.postMessage({ type: 'events', events: batch.slice(i, i + EVENTS_PER_PORT_MESSAGE) });
      }
    } catch {
      // The port closed under us; onDisconnect schedules the resend.
      port = null;
    }
    schedule(RESEND_AFTER_MS);
  }

  /**
   * Wakes up in `ms`. New traffic only ever brings a wake-up forward, so a steady stream of
   * events cannot postpone a resend forever; a disconnect (`replace`) sets the reconnect backoff.
   */
  function schedule(ms: number, replace = false) {
    const at = deps.now() + ms;
    if (dead || (at >= timerAt && !replace)) return;
    if (timer !== null) deps.clearTimer(timer);
    timerAt = at;
    timer = deps.setTimer(resendLate, ms);
  }

  function resendLate() {
    timer = null;
    timerAt = Infinity;
    if (!pending.size) return;
    const cutoff = deps.now() - RESEND_AFTER_MS;
    const late = [...pending.values()].filter((p) => p.sentAt <= cutoff || !port).map((p) => p.event);
    if (late.length) forward(late);
    else schedule(RESEND_AFTER_MS);
  }

  /**
   * Over the rate: the message is dropped unacknowledged (the page's tracker still holds its
   * events), and once the bucket has refilled the page gets `ready` again, which makes the
   * tracker send what is unacknowledged. One debug line per episode, not one per message.
   */
  function refuse(events: number, waitMs: number) {
    limit.refused.messages++;
    limit.refused.events += events;
    if (limit.refused.reopen !== null || dead) return;
    limit.refused.reopen = deps.setTimer(() => {
      deps.debug(`rate limit: refused ${limit.refused.messages} messages (${limit.refused.events} events) from this page; it sends them again now`);
      limit.refused = { messages: 0, events: 0, reopen: null };
      if (config) toPage({ t: 'ready', ...config });
    }, Math.min(Math.max(waitMs, 100), 5000));
  }

  return {
    /** A window event's detail from the page. */
    fromPage(detail: unknown) {
      // Bytes are counted before parsing: parsing is the cost a flood imposes.
      const size = typeof detail === 'string' ? detail.length : 0;
      if (!limit.bytes.take(size)) return refuse(0, limit.bytes.waitMs(size));
      const parsed = parsePageMessage(detail);
      if (!parsed.ok) {
        deps.debug(`rejected a page message: ${parsed.error}`);
        return;
      }
      if (dead) return; // the events stay in the page outbox for the next load
      if (parsed.value.t === 'sdk') return deps.onSdk?.(parsed.value.site);
      if (parsed.value.t === 'hello') {
        if (config) toPage({ t: 'ready', ...config });
        else ensurePort();
        return;
      }
      for (const { id, error } of parsed.value.rejected) deps.debug(`rejected event ${id ?? '(no id)'}: ${error}`);
      // Events this bridge already holds are its own to resend: a tracker that sends all it
      // holds again (after `ready`) spends no rate on them.
      const events = parsed.value.events.filter((event) => !pending.has(event.id));
      if (!events.length) return;
      if (!limit.events.take(events.length)) return refuse(events.length, limit.events.waitMs(events.length));
      forward(events);
    },
    /** Connect at start so the worker's config reaches the page and `ready` can be sent. */
    start() {
      ensurePort();
    },
    pendingCount: () => pending.size,
  };
}
