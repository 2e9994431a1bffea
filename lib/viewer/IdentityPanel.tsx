import type { HistoryRecord } from '../history';

/** Who the current tab's events are about, read from the events themselves. */
export function IdentityPanel({ records, now }: { records: HistoryRecord[]; now: number }) {
  const latest = records[0];
  if (!latest) return <p class="empty">No events from this tab yet.</p>;
  const { sessionId, distinctId } = latest.event;
  const session = records.filter((r) => r.event.sessionId === sessionId);
  const started = Math.min(...session.map((r) => r.event.time));
  const ids = new Set(records.map((r) => r.event.distinctId));
  return (
    <section class="identity" data-testid="identity-panel" aria-label="Identity">
      <dl>
        <dt>Distinct id</dt>
        <dd data-testid="identity-distinct"><code>{distinctId}</code></dd>
        <dt>Session</dt>
        <dd data-testid="identity-session"><code>{sessionId}</code></dd>
        <dt>Session age</dt>
        <dd>{formatDuration(now - started)} · {session.length} event{session.length === 1 ? '' : 's'} in view</dd>
        <dt>Site</dt>
        <dd>{latest.origin}</dd>
        {ids.size > 1 && (
          <>
            <dt>Earlier ids</dt>
            <dd>{[...ids].filter((id) => id !== distinctId).map((id) => <code key={id}>{id} </code>)}</dd>
          </>
        )}
      </dl>
    </section>
  );
}

function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 60 ? `${s} s` : s < 3600 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}
