import type { Coverage } from '../plan/coverage';
import type { LoadedPlan } from '../plan/types';
import { formatTime } from './model';
import { describeViolation } from './plan-view';

interface Props {
  loaded: LoadedPlan | null;
  /** The worker's coverage over all of history ("this tab" is the viewer's); null until it has answered. */
  coverage: Coverage | null;
  onDraft: () => void;
  onReport: (format: 'md' | 'json') => void;
  onOptions: () => void;
}

/** The tracking plan against what happened: coverage, unplanned events, violations. */
export function PlanPanel({ loaded, coverage, onDraft, onReport, onOptions }: Props) {
  const actions = (
    <p class="plan-actions">
      <button type="button" data-testid="draft-plan" onClick={onDraft}>Draft a plan from these events</button>
      <button type="button" data-testid="report-md" onClick={() => onReport('md')}>Export QA report (Markdown)</button>
      <button type="button" data-testid="report-json" onClick={() => onReport('json')}>Export QA report (JSON)</button>
    </p>
  );
  if (!loaded) {
    return (
      <section class="plan" data-testid="plan-panel">
        <p class="muted">No tracking plan loaded. Load one on the <a href="#" onClick={(e) => { e.preventDefault(); onOptions(); }}>settings page</a>, or start one from what this session captured.</p>
        {actions}
      </section>
    );
  }
  const cover = coverage;
  if (!cover) return <section class="plan" data-testid="plan-panel"><p class="muted">Checking history against the plan…</p>{actions}</section>;
  return (
    <section class="plan" data-testid="plan-panel" aria-label="Tracking plan coverage">
      <p class="plan-summary" data-testid="plan-summary"><strong>{cover.summary}</strong>{cover.unplanned.length > 0 && <>, {cover.unplanned.length} unplanned seen</>}</p>
      {actions}
      <table class="coverage" data-testid="plan-coverage">
        <thead>
          <tr><th>Planned event</th><th title="This tab / all tabs">Seen</th><th>Last</th><th>Violations</th></tr>
        </thead>
        <tbody>
          {cover.planned.map((p) => (
            <tr key={p.name} data-testid="plan-row" data-name={p.name} data-seen-tab={p.seenHere} data-seen-all={p.seenAll} data-violations={p.withViolations} class={p.seenAll === 0 ? 'unseen' : p.withViolations ? 'broken' : 'clean'}>
              <td><code>{p.name}</code>{p.category && <span class="tag">{p.category}</span>}</td>
              <td>{p.seenHere} / {p.seenAll}</td>
              <td>{p.lastSeen === null ? 'not yet' : formatTime(p.lastSeen)}</td>
              <td>{p.withViolations ? `⚠ ${p.withViolations}` : p.seenAll ? '✓' : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>Not seen yet</h3>
      <p data-testid="plan-not-seen">{cover.notSeen.length ? cover.notSeen.map((n) => <code key={n}>{n} </code>) : <span class="muted">Every planned event was seen.</span>}</p>
      <h3>Unplanned events seen</h3>
      <ul data-testid="plan-unplanned">
        {cover.unplanned.length ? cover.unplanned.map((u) => <li key={u.name} data-name={u.name}><code>{u.name}</code> × {u.count}</li>) : <li class="muted">None.</li>}
      </ul>
      <h3>Violations</h3>
      <ul class="violations" data-testid="plan-violations">
        {cover.violations.length ? cover.violations.map((v) => (
          <li key={`${v.name}${v.violation.kind}${v.violation.path}`} data-kind={v.violation.kind} data-name={v.name}>
            <code>{v.name}</code> {describeViolation(v.violation)} <span class="muted">× {v.count}</span>
          </li>
        )) : <li class="muted">None.</li>}
      </ul>
    </section>
  );
}
