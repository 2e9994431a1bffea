import type { DeliveryStatus, HistoryRecord } from '../history';

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
  status: '' | DeliveryStatus;
  /** Only events that break the tracking plan. */
  violations: boolean;
}

export const DEFAULT_FILTER: Filter = { text: '', regex: false, currentTab: true, origin: '', category: '', kind: '', status: '', violations: false };

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

/** The records that pass `filter`, in the order given. */
export function applyFilter(records: HistoryRecord[], filter: Filter, tabId: number | null, matcher: TextMatcher): HistoryRecord[] {
  const text = matcher.ok ? matcher.test : () => true;
  return records.filter(
    (r) =>
      (!filter.currentTab || tabId === null || r.tabId === tabId) &&
      (!filter.origin || r.origin === filter.origin) &&
      (!filter.category || r.event.category === filter.category) &&
      (!filter.kind || r.event.kind === filter.kind) &&
      (!filter.status || r.status === filter.status) &&
      (!filter.violations || (r.plan?.violations.length ?? 0) > 0) &&
      text(r),
  );
}

/** Distinct values of a field, for the filter menus. */
export function distinct(records: HistoryRecord[], pick: (r: HistoryRecord) => string): string[] {
  return [...new Set(records.map(pick))].sort();
}
