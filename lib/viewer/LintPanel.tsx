import type { HistoryRecord } from '../history';
import { lintByName } from './lint';

/** Lint summarised per event name, for the newest events in view (`of`: how many are in view in all). */
export function LintPanel({ records, of }: { records: HistoryRecord[]; of: number }) {
  const summary = lintByName(records);
  if (summary.length === 0) return <p class="empty">No custom events in view.</p>;
  const clean = summary.filter((s) => s.warnings.length === 0).length;
  return (
    <section class="lint" data-testid="lint-panel" aria-label="Lint by event name">
      <p class="muted">{summary.length - clean} of {summary.length} event names have warnings. Based on Trodo's naming and property guidance; nothing is blocked.{of > records.length && ` Read from the newest ${records.length} of ${of} events in view.`}</p>
      <ul>
        {summary.map((s) => (
          <li key={s.name} data-testid="lint-name" data-name={s.name}>
            <strong>{s.name}</strong> <span class="muted">× {s.count}</span>
            {s.warnings.length === 0 ? <span class="ok"> ✓</span> : <ul>{s.warnings.map((w) => <li key={w.message} data-rule={w.rule}>{w.message}</li>)}</ul>}
          </li>
        ))}
      </ul>
    </section>
  );
}
