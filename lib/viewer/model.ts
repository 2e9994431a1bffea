import { EMPTY_STATS, type DeliveryState, type DeliveryStats, type HistoryRecord } from '../history';
import type { WorkerToViewer } from '../protocol';
import type { LoadedPlan } from '../plan/types';
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
      };
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

/** One line on what became of an event. */
export function describeStatus(record: HistoryRecord, now: number, held?: string): string {
  switch (record.status) {
    case 'queued':
      return held ? 'held: no site id' : 'queued';
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

export function formatTime(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}
