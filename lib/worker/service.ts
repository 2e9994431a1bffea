import type { HistoryRecord } from '../history';
import {
  BRIDGE_PORT, VIEWER_PORT, isViewerMessage,
  type ServerFeedState, type ViewerToWorker, type WorkerToBridge, type WorkerToViewer,
} from '../protocol';
import { planKey } from '../plan/check';
import { readPlanText } from '../plan/read';
import type { LoadedPlan, PlanSubject } from '../plan/types';
import { maySend } from '../sending';
import { captureOn, checkSettings, loadSettings, type Settings } from '../settings';
import type { BackoffPolicy } from '../delivery/backoff';
import { answerFor } from './calls';
import { createFlusher } from './flusher';
import { RETRY_STORE_MS, createIntake, type Arrival } from './intake';
import { createPlanChecks } from './plan-checks';
import { createServerFeed } from './server-feed';
import { planInForce } from './plan-storage';
import { DEFAULT_MAX_HISTORY_BYTES, DEFAULT_MAX_QUEUE_BYTES, type WorkerStore } from './store';
import { createViewerHub } from './viewer-hub';
import type { Transport } from '../delivery/transport';

/** The slice of `runtime.Port` the worker uses; `sender` is set by the browser, not the page. */
export interface WorkerPort {
  name: string;
  sender?: { id?: string; url?: string; origin?: string; tab?: { id?: number } };
  postMessage(message: unknown): void;
  onMessage: { addListener(listener: (message: unknown) => void): void };
  onDisconnect: { addListener(listener: () => void): void };
  disconnect(): void;
}

export interface ServiceDeps {
  store: WorkerStore;
  transport: Transport;
  defaults: Settings;
  readSettings: () => Promise<unknown>;
  writeSettings: (settings: Settings) => Promise<void>;
  /** This extension's id and page origin (chrome-extension://id), to tell senders apart. */
  extensionId: string;
  extensionOrigin: string;
  now: () => number;
  random: () => number;
  newId: () => string;
  setTimer: (task: () => void, ms: number) => unknown;
  clearTimer: (handle: unknown) => void;
  log: (message: string) => void;
  /** Shows a tab's event count on the toolbar icon. */
  setBadge: (tabId: number, count: number) => void;
  backoff?: BackoffPolicy;
  /** The stored tracking plan (lib/worker/plan-storage.ts) and where to keep a new one. */
  readPlan?: () => Promise<unknown>;
  writePlan?: (plan: LoadedPlan | null) => Promise<void>;
  /** The build's default plan (WXT_TRODO_PLAN), in force until one is loaded or removed. */
  buildPlan?: unknown;
  /** For the local collector's event stream (server-feed.ts); without it there are no server events. */
  fetch?: typeof fetch;
}

/** The worker store's meta key of the last stream id recorded. */
export const STREAM_ID_KEY = 'serverStreamLastId';

export const FLUSH_ALARM = 'trodo-flush';
/** The history cap's default (settings.historyLimit). */
export const HISTORY_LIMIT = 100_000;

/**
 * The background worker's logic: accepts events from bridges, stores them durably before
 * acknowledging, drives the flusher and keeps viewers up to date. The worker may be stopped
 * at any moment; everything that matters is in the store, and `start()` picks it up again.
 */
export function createWorkerService(deps: ServiceDeps) {
  let settings = deps.defaults;
  const loaded = deps.readSettings().then(
    (stored) => void (settings = loadSettings(deps.defaults, stored)),
    (error) => deps.log(`could not read settings; using defaults (${String(error)})`),
  );
  const plans = createPlanChecks(() => new Promise((resolve) => void deps.setTimer(resolve, 0)));
  const planLoaded = (deps.readPlan?.() ?? Promise.resolve(undefined)).then(
    (stored) => plans.set(planInForce(stored, deps.buildPlan, deps.now())),
    (error) => deps.log(`could not read the tracking plan (${String(error)})`),
  );
  /** Open bridge ports and the page origin each speaks for (from its sender). */
  const bridges = new Map<WorkerPort, { origin: string; tabId: number }>();
  const viewers = createViewerHub({ store: deps.store, settings: () => settings, plans, setTimer: deps.setTimer, now: deps.now, server: () => feed?.state() ?? { kind: 'off', why: 'this worker reads no event stream' } });
  let ingestedSinceTrim = 0;

  const fetchImpl = deps.fetch;
  const feed = fetchImpl
    ? createServerFeed({
      fetch: fetchImpl,
      apiHost: () => settings.apiHost,
      ownOrigin: deps.extensionOrigin,
      readLastId: () => deps.store.getMeta<number>(STREAM_ID_KEY),
      writeLastId: (id) => deps.store.setMeta(STREAM_ID_KEY, id),
      record: recordServer,
      onState: viewers.serverFeed,
      now: deps.now,
      sleep: (ms, signal) => new Promise<void>((resolve) => {
        const handle = deps.setTimer(resolve, ms);
        signal.addEventListener('abort', () => (deps.clearTimer(handle), resolve()));
      }),
      log: deps.log,
    })
    : null;

  /** Server events from the collector's stream: checked against the plan as `source: server`, kept in history (never queued). */
  async function recordServer(records: HistoryRecord[]) {
    await planLoaded;
    for (const record of records) {
      const plan = plans.check(record.event, 'server');
      if (plan) record.plan = plan;
    }
    const fresh = await deps.store.ingest(records);
    viewers.records(fresh);
    trimNow(fresh.length);
  }

  /** History is trimmed to the history limit every 500 new records, the tabs' and the server's alike. */
  function trimNow(added: number) {
    ingestedSinceTrim += added;
    if (ingestedSinceTrim < 500) return;
    ingestedSinceTrim = 0;
    void deps.store.trim(settings.historyLimit, DEFAULT_MAX_HISTORY_BYTES);
  }

  const flusher = createFlusher({
    store: deps.store,
    transport: deps.transport,
    settings: () => settings,
    now: deps.now,
    random: deps.random,
    newBatchId: deps.newId,
    setTimer: deps.setTimer,
    clearTimer: deps.clearTimer,
    onRecords: viewers.records,
    onState: viewers.state,
    backoff: deps.backoff,
    onSent: (records, result) => {
      const answer = answerFor(records, result);
      if (answer) for (const port of bridges.keys()) if (senderOrigin(port.sender) === answer.origin) post(port, answer.message);
    },
  });

  function post(port: WorkerPort, message: WorkerToBridge | WorkerToViewer) {
    try {
      port.postMessage(message);
    } catch {
      // The other side went away; its onDisconnect cleans up.
    }
  }

  function acceptBridge(port: WorkerPort) {
    const sender = port.sender;
    const tabId = sender?.tab?.id;
    const origin = senderOrigin(sender);
    if (sender?.id !== deps.extensionId || tabId === undefined || !origin) {
      deps.log(`refused a bridge port from ${sender?.url ?? 'an unknown sender'}`);
      port.disconnect();
      return;
    }
    bridges.set(port, { origin, tabId });
    intake.openTab(tabId);
    port.onDisconnect.addListener(() => {
      bridges.delete(port);
      if (![...bridges.values()].some((b) => b.tabId === tabId)) intake.closeTab(tabId);
    });
    void loaded.then(() => post(port, configMessage(settings, origin)));
    port.onMessage.addListener((message) => intake.receive(port, message, tabId, origin));
  }

  const intake = createIntake<WorkerPort>({
    now: deps.now,
    log: deps.log,
    store: storeBatch,
    ready: Promise.all([loaded, planLoaded]),
    refuse: (port, retryMs) => post(port, { type: 'refused', retryMs: Number.isFinite(retryMs) ? retryMs : RETRY_STORE_MS }),
  });

  /** Stores what bridges sent (unless capture is off for their site), then acknowledges it. */
  async function storeBatch(batch: Arrival<WorkerPort>[]) {
    const now = deps.now();
    const records: HistoryRecord[] = batch
      .filter(({ origin }) => captureOn(settings, origin))
      .flatMap(({ events, tabId, origin }) => events.map((event) => {
        const record: HistoryRecord = { id: event.id, event, tabId, origin, status: 'queued', capturedAt: event.time, queuedAt: now, attempts: 0 };
        // Checked here, in the worker, never in the page: the plan's verdict is kept with the event.
        const plan = plans.check(event);
        if (plan) record.plan = plan;
        return record;
      }));
    if (records.length) {
      const fresh = await deps.store.ingest(records);
      viewers.records(fresh);
      if (fresh.length) await enforceBound();
      // Held sites' events wait for the site to be enabled; they do not make a batch due.
      flusher.queued(fresh.filter((r) => maySend(settings, r.origin)).length);
      for (const tabId of new Set(fresh.map((r) => r.tabId!))) void updateBadge(tabId);
      trimNow(fresh.length);
    }
    // After the commit (or deliberately not stored, capture being off): the pages may forget them.
    for (const { port, events } of batch) post(port, { type: 'ack', ids: events.map((e) => e.id) });
  }

  /** Over the bound, queued events go (see chooseVictims), each recorded and counted as dropped. */
  async function enforceBound() {
    const bound = { maxEvents: settings.maxQueueEvents, maxBytes: DEFAULT_MAX_QUEUE_BYTES };
    const reason = `queue full: over ${bound.maxEvents} events or ${bound.maxBytes / 1024 / 1024} MB waiting to be sent; the oldest events of the site holding the most were dropped`;
    const dropped = await deps.store.evict(bound, flusher.busy, reason);
    if (dropped.length) {
      deps.log(`queue full: dropped ${dropped.length} events (the oldest of the site holding the most)`);
      viewers.records(dropped);
    }
  }

  function acceptViewer(port: WorkerPort) {
    const sender = port.sender;
    if (sender?.id !== deps.extensionId || !sender.url?.startsWith(deps.extensionOrigin)) {
      port.disconnect();
      return;
    }
    viewers.add(port);
    // Someone is looking: a stream waiting out its retry delay tries again now.
    if (feed?.state().kind === 'unavailable') feed.restart();
    port.onMessage.addListener((message) => {
      if (isViewerMessage(message)) command(port, message).catch((error) => deps.log(`viewer command ${message.type} failed: ${String(error)}`));
    });
  }

  async function command(port: WorkerPort, message: ViewerToWorker) {
    await loaded;
    switch (message.type) {
      case 'view':
      case 'coverage':
      case 'unview':
        await planLoaded;
        await viewers.command(port, message);
        break;
      case 'flush':
        await flusher.flush('manual');
        break;
      case 'clear':
        await deps.store.clear(message.queue);
        await viewers.resync();
        await Promise.all([...badged].map(updateBadge));
        break;
      case 'save-settings':
      case 'site-sending': {
        const change = message.type === 'save-settings' ? message.change : { sendingSites: sitesWith(settings.sendingSites, message.origin, message.send) };
        const check = checkSettings(settings, change);
        if (!check.ok) {
          post(port, { type: 'settings-rejected', errors: check.errors });
          break;
        }
        await deps.writeSettings(check.settings);
        settingsChanged(check.settings);
        break;
      }
      case 'load-plan': {
        await planLoaded;
        const load = readPlanText(message.text);
        if (!load.ok) {
          post(port, { type: 'plan-rejected', error: load.error });
          break;
        }
        await planChanged({ plan: load.plan, key: planKey(load.plan), source: message.source, loadedAt: deps.now() });
        break;
      }
      case 'unload-plan':
        await planLoaded;
        await planChanged(null);
        break;
    }
  }

  /** A new plan is in force: kept, told to viewers, and the history in view re-checked. */
  async function planChanged(next: LoadedPlan | null) {
    await deps.writePlan?.(next);
    plans.set(next);
    viewers.plan();
    await viewers.resync();
  }

  function settingsChanged(next: Settings) {
    const previous = settings;
    settings = next;
    if (next.historyLimit < previous.historyLimit) void deps.store.trim(next.historyLimit, DEFAULT_MAX_HISTORY_BYTES);
    viewers.settings();
    if (next.apiHost !== previous.apiHost) feed?.restart();
    for (const [port, { origin }] of bridges) {
      const config = configMessage(next, origin);
      if (JSON.stringify(config) !== JSON.stringify(configMessage(previous, origin))) post(port, config);
    }
    void flusher.flush('settings');
  }

  /** Tabs whose badge was set, so that clearing history can reset them. */
  const badged = new Set<number>();
  async function updateBadge(tabId: number) {
    badged.add(tabId);
    deps.setBadge(tabId, await deps.store.countForTab(tabId));
  }

  return {
    /** At every worker start: deliver whatever an earlier life of the worker left queued. */
    async start() {
      await loaded;
      feed?.restart();
      await flusher.flush('start');
    },
    onConnect(port: WorkerPort) {
      if (port.name === BRIDGE_PORT) acceptBridge(port);
      else if (port.name === VIEWER_PORT) acceptViewer(port);
      else port.disconnect();
    },
    /** The plan in force's verdict on an event the worker did not take in itself (observe mode's requests). */
    checkObserved: (subject: PlanSubject) => plans.checkSubject(subject),
    onAlarm(name: string) {
      if (name === FLUSH_ALARM) void loaded.then(() => flusher.flush('alarm'));
    },
    /** storage.local changed, possibly from another context: re-read and apply. */
    onStoredSettings(stored: unknown) {
      const next = loadSettings(deps.defaults, stored);
      if (JSON.stringify(next) !== JSON.stringify(settings)) settingsChanged(next);
    },
    flush: (trigger: 'manual' = 'manual') => flusher.flush(trigger),
    /** Stops reading the collector's stream (tests; Chrome stops the worker without asking). */
    stop: () => feed?.stop(),
  };
}

function sitesWith(sites: string[], origin: string, on: boolean): string[] {
  return on ? [...sites.filter((s) => s !== origin), origin] : sites.filter((s) => s !== origin);
}

function senderOrigin(sender: WorkerPort['sender']): string | null {
  if (sender?.origin && sender.origin !== 'null') return sender.origin;
  try {
    return sender?.url ? new URL(sender.url).origin : null;
  } catch {
    return null;
  }
}

/** What a page of `origin` must know: whether to capture at all, and auto-events. */
function configMessage(settings: Settings, origin: string): WorkerToBridge {
  return { type: 'config', capture: captureOn(settings, origin), autoEvents: settings.autoEvents };
}
