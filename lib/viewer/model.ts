import type { EventSender } from '../collector-stream';
import { EMPTY_STATS, EMPTY_SUMMARY, type DeliveryState, type DeliveryStats, type HistoryRecord, type HistorySummary, type ViewStatus } from '../history';
import type { Coverage } from '../plan/coverage';
import type { ServerFeedState, WorkerToViewer } from '../protocol';
import type { LoadedPlan } from '../plan/types';
import { holdsBack } from '../sending';
import type { Settings } from '../settings';

/** A window of a view, as the worker last answered it. */
export type ViewPage = Extract<WorkerToViewer, { type: 'page' }>;

/** What a viewer knows: the worker's snapshot plus the updates since. */
export interface ViewerModel {
  connected: boolean;
  /** Snapshots received: a second one means a new port to a restarted worker, which knows no views. */
  snapshots: number;
  /** The latest answer to each view the viewer asked for, by view id. */
  pages: Record<string, ViewPage>;
  /** The plan's coverage, by request id. */
  coverage: Record<string, Coverage | null>;
  stats: DeliveryStats;
  /** Counts and filter menus over all of history. */
  history: HistorySummary;
  state: DeliveryState;
  settings: Settings | null;
  settingsErrors: Partial<Record<keyof Settings, string>>;
  plan: LoadedPlan | null;
  /** Why the last plan offered was refused; cleared when one is taken. */
  planError: string | null;
  /** Whether server events (the local collector's stream) reach the timeline. */
  server: ServerFeedState;
}

export const INITIAL_MODEL: ViewerModel = {
  connected: false,
  snapshots: 0,
  pages: {},
  coverage: {},
  stats: EMPTY_STATS,
  history: EMPTY_SUMMARY,
  state: { inFlight: false, failures: 0 },
  settings: null,
  settingsErrors: {},
  plan: null,
  planError: null,
  server: { kind: 'connecting' },
};

export function applyMessage(model: ViewerModel, message: WorkerToViewer): ViewerModel {
  switch (message.type) {
    case 'snapshot':
      return {
        ...model,
        connected: true,
        snapshots: model.snapshots + 1,
        stats: message.stats,
        history: message.history,
        state: message.state,
        settings: message.settings,
        plan: message.plan,
        server: message.server,
      };
    case 'server-feed':
      return { ...model, server: message.state };
    case 'page': {
      // One-off answers (an export's slices) are their reader's; the model keeps live views only.
      if (!message.live) return model;
      // An answer to an earlier request of the same view (its filter since changed) is dropped.
      const held = model.pages[message.id];
      if (held && held.seq > message.seq) return model;
      return { ...model, pages: { ...model.pages, [message.id]: message } };
    }
    case 'coverage':
      return { ...model, coverage: { ...model.coverage, [message.id]: message.coverage } };
    case 'status':
      return { ...model, stats: message.stats, history: message.history, state: message.state };
    case 'settings':
      return { ...model, settings: message.settings, settingsErrors: {} };
    case 'settings-rejected':
      return { ...model, settingsErrors: message.errors };
    case 'plan':
      return { ...model, plan: message.plan, planError: null };
    case 'plan-rejected':
      return { ...model, planError: message.error };
  }
}

export type { ViewStatus };

/** The record at `index` of a view, if the window the worker sent holds it. */
export function rowAt(page: ViewPage | undefined, index: number): HistoryRecord | undefined {
  return page && index >= page.offset ? page.records[index - page.offset] : undefined;
}

/**
 * Why an event waiting in the queue is not being sent, or undefined when it is not held.
 * The rule is the flusher's own (lib/sending.ts), so the viewer never says "queued" for
 * something the worker holds, or the other way round.
 */
export function heldWhy(record: HistoryRecord, settings: Settings | null): string | undefined {
  if (!settings || (record.status !== 'queued' && record.status !== 'retrying')) return undefined;
  if (!settings.siteId) return 'no site id';
  return holdsBack(settings, record.origin) ? 'site not enabled for sending' : undefined;
}

export function viewStatus(record: HistoryRecord, held: string | undefined): ViewStatus {
  return held ? 'held' : record.status;
}

/** One line on what became of an event; `held` is heldWhy's answer. */
export function describeStatus(record: HistoryRecord, now: number, held?: string): string {
  if (held) return `held: ${held}`;
  if (record.received) return `received by the collector · ${SENDERS[record.received.sender]} · ${formatTime(record.received.at)}`;
  switch (record.status) {
    case 'queued':
      return 'queued';
    case 'sent':
      return `sent · HTTP ${record.httpStatus ?? '2xx'}${record.attempts > 1 ? ` · ${record.attempts} attempts` : ''}`;
    case 'retrying': {
      const wait = record.nextAttemptAt ? Math.max(0, Math.ceil((record.nextAttemptAt - now) / 1000)) : null;
      return `retrying · ${record.lastError ?? 'failed'}${wait !== null ? ` · next in ${wait}s` : ''}`;
    }
    case 'dropped':
      return `dropped · ${record.reason ?? 'no reason recorded'}`;
  }
}

/** Who posted a server record to the collector, as the list says it. */
export const SENDERS: Record<EventSender, string> = { 'node-sdk': 'Node SDK', extension: 'another extension', other: 'other client' };

export function formatTime(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}
