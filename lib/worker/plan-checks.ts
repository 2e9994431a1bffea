import type { TrodoEvent } from '../event';
import type { HistoryRecord } from '../history';
import { compilePlan, type CompiledPlan } from '../plan/check';
import { subjectOfEvent } from '../plan/subject';
import type { LoadedPlan, PlanCheck, PlanSubject } from '../plan/types';

/** Records checked between two yields when a whole history is re-checked. */
export const RECHECK_SLICE = 1000;

/**
 * The plan in force in the worker and the checks made against it. An event is checked once,
 * at ingest, and the check is kept on its history record. A check made against another plan
 * (the plan changed since) is redone when the record is next shown, never written back: the
 * flusher owns the stored records, and a check is a pure function of event and plan, so
 * redoing it costs less than a second writer racing the flusher's.
 */
export function createPlanChecks(yieldNow: () => Promise<void>) {
  let loaded: LoadedPlan | null = null;
  let compiled: CompiledPlan | null = null;

  /** A server record (history.ts) is checked as `source: server`, so the plan's source rules apply to it. */
  const check = (event: TrodoEvent, source: 'browser' | 'server' = 'browser'): PlanCheck | undefined => compiled?.check({ ...subjectOfEvent(event), source }) ?? undefined;

  /** The record with a check against the plan in force (or none, when there is no plan). */
  function current(record: HistoryRecord): HistoryRecord {
    if (!compiled) return record.plan ? withoutCheck(record) : record;
    if (record.plan?.plan === compiled.key) return record;
    const plan = check(record.event, record.source ?? 'browser');
    return plan ? { ...record, plan } : record.plan ? withoutCheck(record) : record;
  }

  return {
    loaded: () => loaded,
    set(next: LoadedPlan | null) {
      loaded = next;
      compiled = next ? compilePlan(next.plan) : null;
    },
    check,
    /** The plan's violations for anything shaped as the plan sees it (an observed SDK's event); null without a plan or when it has nothing to say. */
    checkSubject: (subject: PlanSubject) => compiled?.check(subject)?.violations ?? null,
    current,
    /** Every record made current, yielding between slices so ingest and delivery go on meanwhile. */
    async currentAll(records: HistoryRecord[]): Promise<HistoryRecord[]> {
      const out: HistoryRecord[] = [];
      for (let i = 0; i < records.length; i += RECHECK_SLICE) {
        if (i > 0) await yieldNow();
        for (const record of records.slice(i, i + RECHECK_SLICE)) out.push(current(record));
      }
      return out;
    },
  };
}

function withoutCheck(record: HistoryRecord): HistoryRecord {
  const { plan: _plan, ...rest } = record;
  return rest;
}
