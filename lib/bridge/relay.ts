import { CAPS, EVENTS_PREFIX, RATE, encodeEvents, parsePageMessage, type BridgeToPage, type BridgeToWorker, type WorkerToBridge } from '../protocol';
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
  /** The page asked for `Trodo.initialized` or named its site id (see PageToBridge `sdk`). */
  onSdk?: (site: string) => void;
}

const RECONNECT_DELAYS_MS = [50, 200, 500, 1000, 2000, 5000];

/**
 * The bridge between page and worker. It forwards the page's events messages to the worker
 * as the text they are (the worker parses and checks them, off the page's thread), answers
 * `hello`, and keeps no events. The page's tracker is the one owner of unacknowledged
 * events: the bridge tells it when to send them all again with `ready` — after the port
 * to the worker was lost (the worker was stopped), and after a refusal (over the rate
 * here, or the worker's explicit `refused`). The worker's writes are idempotent by event
 * id, so sending again is always safe, and the tracker's order is the order sent.
 */
export function createRelay(deps: RelayDeps) {
  let port: PortLike | null = null;
  /** The worker's last config; null until it has sent one. */
  let config: { capture: boolean; autoEvents: boolean } | null = null;
  let dead = false;
  let reconnects = 0;
  /** The timer that will tell the page to send again (one at a time). */
  let resend: unknown = null;
  const limit = {
    bytes: tokenBucket(RATE.frameBytes, deps.now),
    /** Messages and events refused since the last report. */
    refused: { messages: 0, events: 0 },
  };

  function toPage(message: BridgeToPage) {
    deps.toPage(JSON.stringify(message));
  }

  function ensurePort(): PortLike | null {
    if (port || dead) return port;
    try {
      const next = deps.connect();
      next.onMessage.addListener(onWorkerMessage);
      next.onDisconnect.addListener(() => {
        if (port !== next) return;
        port = null;
        // A stopped worker disconnects too; only a missing runtime means the extension is gone.
        if (!deps.alive()) die('the extension was reloaded or removed');
        // Whatever the stopped worker had not acknowledged, the tracker sends again (which
        // opens a new port), after a backoff while the worker stays away.
        else sendAgainIn(RECONNECT_DELAYS_MS[Math.min(reconnects++, RECONNECT_DELAYS_MS.length - 1)]!);
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
    deps.debug(`extension unavailable; the page's events stay in its outbox (${reason})`);
    if (resend !== null) deps.clearTimer(resend);
    port = null;
    toPage({ type: 'gone' });
  }

  /** In `ms`, tells the page `ready`: it sends everything unacknowledged again, in its order. */
  function sendAgainIn(ms: number) {
    if (resend !== null || dead) return;
    resend = deps.setTimer(() => {
      resend = null;
      if (limit.refused.messages) {
        deps.debug(`rate limit: refused ${limit.refused.messages} messages (${limit.refused.events} events) from this page for now; it sends them again`);
        limit.refused = { messages: 0, events: 0 };
      }
      if (config) toPage({ type: 'ready', ...config });
      // The config it brings is the page's `ready`; a worker that keeps closing the port on
      // this frame is not woken up for ever.
      else if (reconnects <= RECONNECT_DELAYS_MS.length) ensurePort();
    }, Math.min(Math.max(ms, 50), 5000));
  }

  function onWorkerMessage(message: WorkerToBridge) {
    switch (message.type) {
      case 'config': {
        const changed = config?.capture !== message.capture || config.autoEvents !== message.autoEvents;
        config = { capture: message.capture, autoEvents: message.autoEvents };
        if (changed) toPage({ type: 'ready', ...config });
        break;
      }
      case 'merge':
        toPage({ type: 'merge', identifyId: message.identifyId, distinctId: message.distinctId });
        break;
      case 'ack':
        reconnects = 0;
        // The worker answers on this frame's own port: these are this page's events.
        if (message.ids.length) toPage({ type: 'ack', ids: message.ids });
        break;
      case 'refused':
        refuse(0, message.retryMs);
        break;
    }
  }

  function forward(json: string) {
    const target = ensurePort();
    if (!target) return;
    try {
      target.postMessage({ type: 'page-events', json });
    } catch {
      // The port closed under us; its onDisconnect has the page send again.
    }
  }

  /**
   * Over a rate (the frame's, here, or the tab's or the worker's backlog, which the worker
   * answers with `refused`): what was refused is not acknowledged, the page's tracker still
   * holds it, and once the wait is over the page gets `ready` and sends it again. One debug
   * line per episode, not one per message.
   */
  function refuse(events: number, waitMs: number) {
    limit.refused.messages++;
    limit.refused.events += events;
    sendAgainIn(Math.max(waitMs, 100));
  }

  return {
    /** A window event's detail from the page. */
    fromPage(detail: unknown) {
      // Bytes are counted before anything else: reading the text is the cost a flood imposes.
      const size = typeof detail === 'string' ? detail.length : 0;
      if (!limit.bytes.take(size)) return refuse(0, limit.bytes.waitMs(size));
      if (typeof detail === 'string' && detail.startsWith(EVENTS_PREFIX)) {
        if (detail.length > CAPS.messageBytes) return deps.debug(`rejected a page message: ${detail.length} bytes is over ${CAPS.messageBytes}`);
        if (!dead) forward(detail); // else the events stay in the page outbox for the next load
        return;
      }
      const parsed = parsePageMessage(detail);
      if (!parsed.ok) {
        deps.debug(`rejected a page message: ${parsed.error}`);
        return;
      }
      if (dead) return;
      if (parsed.value.type === 'sdk') return deps.onSdk?.(parsed.value.site);
      if (parsed.value.type === 'hello') {
        if (config) toPage({ type: 'ready', ...config });
        else ensurePort();
        return;
      }
      // Events in another shape than the tracker's: checked here, forwarded in the tracker's.
      for (const { id, error } of parsed.value.rejected) deps.debug(`rejected event ${id ?? '(no id)'}: ${error}`);
      if (parsed.value.events.length) forward(encodeEvents(parsed.value.events.map((event) => JSON.stringify(event))));
    },
  };
}
