import type { HistoryRecord } from '../../lib/history';
import { defaultSettings, type Settings } from '../../lib/settings';
import { DEFAULT_FILTER, toViewQuery, type Filter } from '../../lib/viewer/filters';
import { memoryWorkerStore } from '../../lib/worker/memory-store';
import { historyQuery } from '../../lib/worker/view-query';

/** Settings under which every site sends: nothing is held unless a test says so. */
export const SENDING: Settings = { ...defaultSettings(), apiHost: 'http://127.0.0.1:4318', siteId: 'qa' };

/**
 * What the viewer's list shows for `filter`, the way it gets it: the filter as the worker's
 * query, run over a store holding `records`. Names, newest first.
 */
export async function viewOf(records: HistoryRecord[], filter: Partial<Filter>, tabId: number | null = null, settings = SENDING, current = (r: HistoryRecord) => r): Promise<string[]> {
  const store = memoryWorkerStore();
  await store.ingest(records);
  const page = await store.page(historyQuery(toViewQuery({ ...DEFAULT_FILTER, ...filter }, tabId), settings, current), 0, 1000);
  return page.records.map((r) => r.event.name);
}
