import type { ViewQuery } from '../protocol';
import type { ViewStatus } from './model';

export { textMatcher, type TextMatcher } from '../search';

/**
 * What the event list shows. Empty strings mean "any". The worker applies it to history
 * (lib/worker/view-query.ts): the viewer holds only the rows in view.
 */
export interface Filter {
  text: string;
  /** Treat `text` as a case-insensitive regular expression. */
  regex: boolean;
  /** Only the tab the viewer was opened on (or, in the side panel, the active tab). */
  currentTab: boolean;
  origin: string;
  category: string;
  /** One event name, exactly (from the names history holds). */
  name: string;
  kind: '' | 'custom' | 'auto';
  /** `held` is a queued event of a site not sending (see model.heldWhy); `queued` excludes those. */
  status: '' | ViewStatus;
  /** Only events that break the tracking plan. */
  violations: boolean;
  /** `server`: the backend's events, read from the local collector's stream (history.ts, `source`). */
  source: '' | 'browser' | 'server';
}

export const DEFAULT_FILTER: Filter = { text: '', regex: false, currentTab: true, origin: '', category: '', name: '', kind: '', status: '', violations: false, source: '' };

/** The filter as the worker's query; `tabId` is the viewer's tab (null: not a tab, so all). */
export function toViewQuery(filter: Filter, tabId: number | null): ViewQuery {
  return {
    tabId: filter.currentTab ? tabId : null,
    source: filter.source,
    origin: filter.origin,
    category: filter.category,
    kind: filter.kind,
    name: filter.name,
    status: filter.status,
    text: filter.text,
    regex: filter.regex,
    violations: filter.violations,
  };
}
