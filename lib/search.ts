import type { HistoryRecord } from './history';

/**
 * The viewer's search box: a case-insensitive text (or regular expression) over an event's
 * name and properties. Shared: the viewer checks what is typed, the worker runs it over
 * history (lib/worker/view-query.ts).
 */
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
