import type { HistoryRecord } from '../history';
import type { ViewStatus } from './model';

/** What the event list shows. Empty strings mean "any". */
export interface Filter {
  text: string;
  /** Treat `text` as a case-insensitive regular expression. */
  regex: boolean;
  /** Only the tab the viewer was opened on (or, in the side panel, the active tab). */
  currentTab: boolean;
  origin: string;
  category: string;
  kind: '' | 'custom' | 'auto';
  /** `held` is a queued event of a site not sending (see model.heldWhy); `queued` excludes those. */
  status: '' | ViewStatus;
  /** Only events that break the tracking plan. */
  violations: boolean;
  /** `server`: the backend's events, read from the local collector's stream (history.ts, `source`). */
  source: '' | 'browser' | 'server';
}

export const DEFAULT_FILTER: Filter = { text: '', regex: false, currentTab: true, origin: '', category: '', kind: '', status: '', violations: false, source: '' };

/**
 * The records of a tab: its own, and the server events of its sessions or distinct ids (a
 * backend that tracked through `forRequest` for this tab's calls), which have no tab of their own.
 */
export function tabScope(records: HistoryRecord[], tabId: number): (record: HistoryRecord) => boolean {
  const sessions = new Set<string>();
  const ids = new Set<string>();
  for (const { tabId: t, event } of records) {
    if (t !== tabId) continue;
    sessions.add(event.sessionId);
    ids.add(event.distinctId);
  }
  return (r) => r.tabId === tabId || (r.source === 'server' && (sessions.has(r.event.sessionId) || ids.has(r.event.distinctId)));
}

export type TextMatcher = { ok: true; test: (record: HistoryRecord) => boolean } | { ok: false; error: string };

/** The search text over an event's name and properties, built once per record. */
const haystacks = new WeakMap<HistoryRecord, string>();
function haystack(record: HistoryRecord): string {
  let text = haystacks.get(record);
  if (text === undefined) {
    text = `${record.event.name}\n${JSON.stringify(record.event.properties)}`.toLowerCase();
    haystacks.set(record, text);
  }
  return text;
}

export function textMatcher(text: string, regex: boolean): TextMatcher {
  if (!text) return { ok: true, test: () => true };
  if (!regex) {
    const needle = text.toLowerCase();
    return { ok: true, test: (record) => haystack(record).includes(needle) };
  }
  try {
    const pattern = new RegExp(text, 'i');
    return { ok: true, test: (record) => pattern.test(haystack(record)) };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : 'invalid regular expression' };
  }
}

/** The records that pass `filter`, in the order given; `statusOf` tells held events apart. */
export function applyFilter(
  records: HistoryRecord[],
  filter: Filter,
  tabId: number | null,
  matcher: TextMatcher,
  statusOf: (record: HistoryRecord) => ViewStatus = (r) => r.status,
): HistoryRecord[] {
  const text = matcher.ok ? matcher.test : () => true;
  const inTab = filter.currentTab && tabId !== null ? tabScope(records, tabId) : () => true;
  return records.filter(
    (r) =>
      inTab(r) &&
      (!filter.source || (r.source ?? 'browser') === filter.source) &&
      (!filter.origin || r.origin === filter.origin) &&
      (!filter.category || r.event.category === filter.category) &&
      (!filter.kind || r.event.kind === filter.kind) &&
      (!filter.status || statusOf(r) === filter.status) &&
      (!filter.violations || (r.plan?.violations.length ?? 0) > 0) &&
      text(r),
  );
}

/** Distinct values of a field, for the filter menus. */
export function distinct(records: HistoryRecord[], pick: (r: HistoryRecord) => string): string[] {
  return [...new Set(records.map(pick))].sort();
}
