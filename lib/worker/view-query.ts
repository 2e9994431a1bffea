import type { HistoryRecord, HistorySummary } from '../history';
import type { ViewQuery } from '../protocol';
import { textMatcher } from '../search';
import { holdsBack } from '../sending';
import type { Settings } from '../settings';
import type { HistoryQuery, HistoryTally } from './history-query';

/**
 * A viewer's filter as a store query: every field the digests hold is indexed; the search
 * text and "violations only" read the records (the latter against the plan in force, via
 * `current`, which re-checks a record checked against an older plan).
 */
export function historyQuery(view: ViewQuery, settings: Settings, current: (record: HistoryRecord) => HistoryRecord): HistoryQuery {
  const q: HistoryQuery = {};
  if (view.tabId !== null) q.tabId = view.tabId;
  if (view.source) q.source = view.source;
  if (view.origin) q.origin = view.origin;
  if (view.category) q.category = view.category;
  if (view.kind) q.kind = view.kind;
  if (view.name) q.name = view.name;
  const held = heldRule(settings);
  switch (view.status) {
    case '':
      break;
    case 'held':
      q.statuses = ['queued', 'retrying'];
      q.acceptOrigin = held;
      break;
    case 'queued':
    case 'retrying':
      q.statuses = [view.status];
      q.acceptOrigin = (origin) => !held(origin);
      break;
    default:
      q.statuses = [view.status];
  }
  const tests: ((record: HistoryRecord) => boolean)[] = [];
  const text = textMatcher(view.text, view.regex);
  // A regular expression that does not compile filters nothing: the viewer marks the box.
  if (view.text && text.ok) tests.push(text.test);
  if (view.violations) tests.push((record) => (current(record).plan?.violations.length ?? 0) > 0);
  if (tests.length) q.match = (record) => tests.every((test) => test(record));
  return q;
}

/** holdsBack for one settings object, asked once per origin. */
function heldRule(settings: Settings): (origin: string) => boolean {
  const verdicts = new Map<string, boolean>();
  return (origin) => verdicts.get(origin) ?? verdicts.set(origin, holdsBack(settings, origin)).get(origin)!;
}

/** The viewer's counters and menus from the store's tally, with the sending rule applied. */
export function summarize(t: HistoryTally, settings: Settings): HistorySummary {
  const held = heldRule(settings);
  const heldByOrigin: Record<string, number> = {};
  for (const [origin, n] of Object.entries(t.waitingByOrigin)) if (held(origin)) heldByOrigin[origin] = n;
  return { total: t.total, retrying: t.byStatus.retrying, heldByOrigin, origins: t.origins, categories: t.categories, names: t.names };
}
