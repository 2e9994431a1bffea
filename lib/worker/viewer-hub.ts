import type { DeliveryState, HistoryRecord } from '../history';
import { coverage, historyItem, type CoverageItem } from '../plan/coverage';
import type { ServerFeedState, ViewQuery, ViewerToWorker, WorkerToViewer } from '../protocol';
import type { Settings } from '../settings';
import type { createPlanChecks } from './plan-checks';
import type { WorkerStore } from './store';
import { historyQuery, summarize } from './view-query';

/** The slice of a viewer's port the hub writes to. */
export interface HubPort {
  postMessage(message: unknown): void;
  onDisconnect: { addListener(listener: () => void): void };
}

export interface HubDeps {
  store: WorkerStore;
  settings: () => Settings;
  plans: ReturnType<typeof createPlanChecks>;
  setTimer: (task: () => void, ms: number) => unknown;
  now: () => number;
  /** Whether the local collector's stream is read (server-feed.ts), for the viewer's status line. */
  server: () => ServerFeedState;
}

type Subscription =
  | { kind: 'view'; id: string; seq: number; live: boolean; query: ViewQuery; offset: number; limit: number }
  | { kind: 'coverage'; id: string; tabId: number | null; running: boolean; again: boolean; lastAt: number };

/** Changes are gathered and viewers answered every 100 ms: a burst of thousands is a handful of messages. */
const VIEWER_UPDATE_MS = 100;
/** Most records one view answers with: the list asks for a screen or two; an export pages. */
export const MAX_VIEW_LIMIT = 5000;
/** A live coverage over all of history reads every record: at most once a second. */
const COVERAGE_GAP_MS = 1000;
/**
 * How long the store keeps history's digests in memory after the last viewer closed: a
 * popup opened again soon (the usual way of looking while testing) pages at once instead of
 * reading them again (about 100 ms for 100 000 events). The worker rarely lives longer idle.
 */
export const FORGET_AFTER_MS = 60_000;

/**
 * Keeps open viewers (popup, side panel, options) current. A viewer never gets all of
 * history: it asks for a window of a filtered view (`view`) and gets that window, then the
 * same window again whenever history changes, with counts and filter menus from the store's
 * digests. The plan's coverage is computed here, over all of history, one slice at a time.
 */
export function createViewerHub(deps: HubDeps) {
  const ports = new Map<HubPort, Map<string, Subscription>>();
  let state: DeliveryState = { inFlight: false, failures: 0 };
  let timer: unknown = null;
  let dirty = false;
  /** Bumped by each viewer that opens, so a pending forget for an earlier one is void. */
  let opened = 0;
  const now = deps.now;
  const current = (): DeliveryState => ({ ...state, degraded: deps.store.degraded?.() });

  function send(port: HubPort, message: WorkerToViewer) {
    try {
      port.postMessage(message);
    } catch {
      ports.delete(port);
    }
  }

  function schedule() {
    if (timer !== null || ports.size === 0) return;
    timer = deps.setTimer(() => void publish(), VIEWER_UPDATE_MS);
  }

  async function summary() {
    const [stats, tally] = await Promise.all([deps.store.stats(), deps.store.tally()]);
    return { stats, history: summarize(tally, deps.settings()) };
  }

  async function publish() {
    timer = null;
    const changed = dirty;
    dirty = false;
    const { stats, history } = await summary();
    for (const [port, subscriptions] of ports) {
      send(port, { type: 'status', stats, history, state: current() });
      if (changed) for (const sub of subscriptions.values()) void answer(port, sub);
    }
  }

  async function answer(port: HubPort, sub: Subscription) {
    if (sub.kind === 'view') {
      const query = historyQuery(sub.query, deps.settings(), deps.plans.current);
      const page = await deps.store.page(query, sub.offset, sub.limit);
      send(port, { type: 'page', id: sub.id, seq: sub.seq, live: sub.live, total: page.total, offset: page.offset, records: page.records.map(deps.plans.current) });
      return;
    }
    if (sub.running) {
      sub.again = true;
      return;
    }
    const wait = sub.lastAt + COVERAGE_GAP_MS - now();
    if (wait > 0) {
      sub.running = true;
      deps.setTimer(() => {
        sub.running = false;
        void answer(port, sub);
      }, wait);
      return;
    }
    sub.running = true;
    try {
      send(port, { type: 'coverage', id: sub.id, coverage: await coverageNow(sub.tabId) });
    } finally {
      sub.running = false;
      sub.lastAt = now();
      if (sub.again && ports.get(port)?.get(sub.id) === sub) {
        sub.again = false;
        void answer(port, sub);
      }
    }
  }

  /** The plan in force over every record in history, each made current (re-checked if its check is older). */
  async function coverageNow(tabId: number | null) {
    const loaded = deps.plans.loaded();
    if (!loaded) return null;
    const items: CoverageItem[] = [];
    await deps.store.scan({}, (records: HistoryRecord[]) => {
      for (const record of records) items.push(historyItem(deps.plans.current(record), tabId));
    });
    return coverage(loaded.plan, items);
  }

  async function snapshot(port: HubPort) {
    const { stats, history } = await summary();
    send(port, { type: 'snapshot', stats, history, state: current(), settings: deps.settings(), plan: deps.plans.loaded(), server: deps.server() });
  }

  return {
    add(port: HubPort) {
      ports.set(port, new Map());
      const at = ++opened;
      port.onDisconnect.addListener(() => {
        ports.delete(port);
        if (ports.size === 0) deps.setTimer(() => ports.size === 0 && opened === at && deps.store.forget?.(), FORGET_AFTER_MS);
      });
      void snapshot(port);
    },
    /** A viewer's view, coverage or unview command. */
    command(port: HubPort, message: Extract<ViewerToWorker, { type: 'view' | 'coverage' | 'unview' }>) {
      const subscriptions = ports.get(port);
      if (!subscriptions) return;
      if (message.type === 'unview') {
        subscriptions.delete(message.id);
        return;
      }
      const sub: Subscription =
        message.type === 'view'
          ? { kind: 'view', id: message.id, seq: message.seq, live: message.live, query: message.query, offset: message.offset, limit: Math.min(message.limit, MAX_VIEW_LIMIT) }
          : { kind: 'coverage', id: message.id, tabId: message.tabId, running: false, again: false, lastAt: 0 };
      if (message.type === 'coverage' || message.live) subscriptions.set(message.id, sub);
      else subscriptions.delete(message.id);
      return answer(port, sub);
    },
    /** History changed (these records were added or updated): live views are answered again. */
    records(records: HistoryRecord[]) {
      if (ports.size === 0 || records.length === 0) return;
      dirty = true;
      schedule();
    },
    plan() {
      for (const port of ports.keys()) send(port, { type: 'plan', plan: deps.plans.loaded() });
    },
    state(next: DeliveryState) {
      state = next;
      schedule();
    },
    /** Settings changed: the held / queued split may have too. */
    settings() {
      for (const port of ports.keys()) send(port, { type: 'settings', settings: deps.settings() });
      dirty = true;
      schedule();
    },
    serverFeed(state: ServerFeedState) {
      for (const port of ports.keys()) send(port, { type: 'server-feed', state });
    },
    /** History was cleared or re-checked: everything is sent afresh. */
    async resync() {
      dirty = true;
      await Promise.all([...ports.keys()].map(snapshot));
      await publish();
    },
  };
}
