import type { EventSender } from '../collector-stream';
import { EMPTY_STATS, type DeliveryState, type DeliveryStats, type DeliveryStatus, type HistoryRecord } from '../history';
import type { ServerFeedState, WorkerToViewer } from '../protocol';
import type { LoadedPlan } from '../plan/types';
import { maySend } from '../sending';
import type { Settings } from '../settings';

/** What a viewer knows: the worker's snapshot plus the updates since. */
export interface ViewerModel {
  connected: boolean;
  records: Map<string, HistoryRecord>;
  stats: DeliveryStats;
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
  records: new Map(),
  stats: EMPTY_STATS,
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
        records: new Map(message.records.map((r) => [r.id, r])),
        stats: message.stats,
        state: message.state,
        settings: message.settings,
        plan: message.plan,
        server: message.server,
      };
    case 'server-feed':
      return { ...model, server: message.state };
    case 'records': {
      const records = new Map(model.records);
      for (const record of message.records) records.set(record.id, record);
      return { ...model, records };
    }
    case 'status':
      return { ...model, stats: message.stats, state: message.state };
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

/** Newest first (ids are UUID v7, so id order is creation order). */
export function newestFirst(records: Map<string, HistoryRecord>): HistoryRecord[] {
  return [...records.values()].sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
}

/** What the list shows as an event's status: a held event is queued, and says so. */
export type ViewStatus = DeliveryStatus | 'held';

/**
 * Why an event waiting in the queue is not being sent, or undefined when it is not held.
 * The rule is the flusher's own (lib/sending.ts), so the viewer never says "queued" for
 * something the worker holds, or the other way round.
 */
export function heldWhy(record: HistoryRecord, settings: Settings | null): string | undefined {
  if (!settings || (record.status !== 'queued' && record.status !== 'retrying')) return undefined;
  if (!settings.siteId) return 'no site id';
  return maySend(settings, record.origin) ? undefined : 'site not enabled for sending';
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
