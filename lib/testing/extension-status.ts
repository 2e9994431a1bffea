import type { BrowserContext, Page } from '@playwright/test';
import type { DeliveryState, DeliveryStats, DeliveryStatus } from '../history';

/** The extension's own view of delivery, as its viewer shows it. */
export interface ExtensionStatus {
  captured: number;
  queued: number;
  sent: number;
  /** Events whose last attempt failed and that wait for the next one. */
  retrying: number;
  dropped: number;
  /** Why nothing is being sent now (no site id, paused…), when that is so. */
  held?: string;
  lastError?: string;
}

/** The slice of the extension API used inside `page.evaluate` (it runs on an extension page). */
declare const chrome: {
  runtime: {
    connect(info: { name: string }): {
      postMessage(message: unknown): void;
      disconnect(): void;
      onMessage: { addListener(listener: (message: any) => void): void };
      onDisconnect: { addListener(listener: () => void): void };
    };
  };
};

interface Watch {
  stats: DeliveryStats | null;
  state: DeliveryState | null;
  statuses: Map<string, DeliveryStatus>;
  changed: Set<() => void>;
  port: { postMessage(message: unknown): void; disconnect(): void } | null;
  /** A new port: the worker answers it with a snapshot read from its store now. */
  reconnect(): void;
}

/**
 * A line to the extension's worker from one of its pages, over the viewer's port and
 * messages (lib/protocol.ts), so the counts are the ones the popup shows. The page keeps the
 * latest snapshot; `settle` sends "flush now" and waits for the queue to empty, which is
 * what a negative assertion needs before it can say an event never came.
 */
export async function watchExtension(context: BrowserContext, extensionId: string, portName: string) {
  let page: Page | null = null;

  async function open(): Promise<Page> {
    if (page && !page.isClosed()) return page;
    page = await context.newPage();
    await page.goto(`chrome-extension://${extensionId}/manifest.json`);
    await page.evaluate((name) => {
      const watch: Watch = { stats: null, state: null, statuses: new Map(), changed: new Set(), port: null, reconnect: () => {} };
      (globalThis as unknown as { __trodoWatch: Watch }).__trodoWatch = watch;
      const connect = () => {
        const port = chrome.runtime.connect({ name });
        port.onMessage.addListener((message: { type: string; records?: { id: string; status: DeliveryStatus }[]; stats?: DeliveryStats; state?: DeliveryState }) => {
          if (message.type === 'snapshot') watch.statuses.clear();
          for (const record of message.records ?? []) watch.statuses.set(record.id, record.status);
          if (message.stats) watch.stats = message.stats;
          if (message.state) watch.state = message.state;
          for (const listener of watch.changed) listener();
        });
        // The worker may be stopped by Chrome; a new port wakes it and brings a snapshot.
        port.onDisconnect.addListener(() => setTimeout(connect, 50));
        watch.port = port;
      };
      watch.reconnect = () => {
        // Our own disconnect() fires no onDisconnect here, so this is the only new port.
        watch.port?.disconnect();
        watch.stats = null;
        connect();
      };
      connect();
    }, portName);
    return page;
  }

  return {
    async status(): Promise<ExtensionStatus> {
      const view = await open();
      return view.evaluate(async () => {
        const watch = (globalThis as unknown as { __trodoWatch: Watch }).__trodoWatch;
        watch.reconnect();
        if (!watch.stats) await new Promise<void>((resolve) => watch.changed.add(function once() { watch.changed.delete(once); resolve(); }));
        const retrying = [...watch.statuses.values()].filter((s) => s === 'retrying').length;
        const { captured, queued, sent, dropped } = watch.stats!;
        return { captured, queued, sent, retrying, dropped, ...(watch.state?.held ? { held: watch.state.held } : {}), ...(watch.state?.lastError ? { lastError: watch.state.lastError } : {}) };
      });
    },
    /**
     * Resolves once every web page's tracker has handed its events to the worker and the
     * worker has nothing queued or in flight (after asking for a flush); false after `timeoutMs`.
     */
    async settle(timeoutMs: number): Promise<boolean> {
      const started = Date.now();
      // An event tracked a moment ago may still be on its way from the page: the worker's
      // counts know nothing of it yet.
      if (!(await pagesHandedOver(context, timeoutMs))) return false;
      const view = await open();
      return view.evaluate((ms) => {
        const watch = (globalThis as unknown as { __trodoWatch: Watch }).__trodoWatch;
        return new Promise<boolean>((resolve) => {
          const check = () => {
            if (!watch.stats || watch.stats.queued > 0 || watch.state?.inFlight) return;
            done(true);
          };
          const timer = setTimeout(() => done(false), ms);
          const done = (value: boolean) => {
            clearTimeout(timer);
            watch.changed.delete(check);
            resolve(value);
          };
          watch.changed.add(check);
          // Counts already held may be older than the last event the worker took in; the
          // snapshot that answers a new port is read from the store after the flush request.
          watch.port?.postMessage({ type: 'flush' });
          watch.reconnect();
        });
      }, Math.max(0, timeoutMs - (Date.now() - started)));
    },
  };
}

/**
 * Whether each web page's tracker outbox (the page origin's IndexedDB `trodo`) has been empty
 * at two looks 50 ms apart: an event leaves it when the worker has acknowledged it, and the
 * tracker may hold the newest events in memory for one transaction before writing them.
 */
async function pagesHandedOver(context: BrowserContext, timeoutMs: number): Promise<boolean> {
  const pages = context.pages().filter((p) => !p.isClosed() && /^https?:/.test(p.url()));
  const results = await Promise.all(
    pages.map((page) =>
      page
        .evaluate(async (ms) => {
          const count = () =>
            new Promise<number>((resolve) => {
              const open = indexedDB.open('trodo');
              open.onerror = () => resolve(0);
              open.onsuccess = () => {
                const db = open.result;
                if (!db.objectStoreNames.contains('outbox')) return db.close(), resolve(0);
                const request = db.transaction('outbox').objectStore('outbox').count();
                request.onsuccess = () => (db.close(), resolve(request.result));
                request.onerror = () => (db.close(), resolve(0));
              };
            });
          const deadline = Date.now() + ms;
          let empty = 0;
          while (Date.now() < deadline) {
            empty = (await count()) === 0 ? empty + 1 : 0;
            if (empty === 2) return true;
            await new Promise((r) => setTimeout(r, 50));
          }
          return false;
        }, timeoutMs)
        // A page that navigates or closes meanwhile has nothing left to say here.
        .catch(() => true),
    ),
  );
  return results.every(Boolean);
}
