import type { HistoryRecord } from '../history';
import { describeStatus, formatTime, viewStatus } from './model';

/**
 * Who the current tab's events are about, the identity and profile calls it made, and the
 * server events joined to it (lib/worker/history-query.ts, `scoped`). `records` are the tab's, server ones included.
 */
export function IdentityPanel({ records: all, now, heldOf }: { records: HistoryRecord[]; now: number; heldOf: (r: HistoryRecord) => string | undefined }) {
  const records = all.filter((r) => r.source !== 'server');
  const server = all.filter((r) => r.source === 'server');
  const events = records.filter((r) => !r.event.call);
  const latest = events[0] ?? records[0];
  if (!latest) return <p class="empty">No events from this tab yet.</p>;
  const { sessionId, distinctId, userId } = latest.event;
  const session = events.filter((r) => r.event.sessionId === sessionId);
  const started = session.length ? Math.min(...session.map((r) => r.event.time)) : latest.event.time;
  const earlier = [...new Set(events.map((r) => r.event.distinctId))].filter((id) => id !== distinctId);
  const groups = Object.entries(memberships(records));
  // identify, reset, people.*, groups: newest first, with what became of each.
  const calls = records.filter((r) => r.event.call && r.event.call !== 'session');
  return (
    <section class="identity" data-testid="identity-panel" aria-label="Identity">
      <dl>
        <dt>Distinct id</dt>
        <dd data-testid="identity-distinct"><code>{distinctId}</code></dd>
        {userId && (
          <>
            <dt>Device id</dt>
            <dd data-testid="identity-device"><code>{userId}</code></dd>
          </>
        )}
        <dt>Session</dt>
        <dd data-testid="identity-session"><code>{sessionId}</code></dd>
        <dt>Session age</dt>
        <dd>{formatDuration(now - started)} · {session.length} event{session.length === 1 ? '' : 's'} in view</dd>
        <dt>Site</dt>
        <dd>{latest.origin}</dd>
        {groups.length > 0 && (
          <>
            <dt>Groups</dt>
            <dd data-testid="identity-groups">{groups.map(([key, ids]) => <code key={key}>{key}: {ids.join(', ')} </code>)}</dd>
          </>
        )}
        {earlier.length > 0 && (
          <>
            <dt>Earlier ids</dt>
            <dd>{earlier.map((id) => <code key={id}>{id} </code>)}</dd>
          </>
        )}
      </dl>
      <h3>Server events</h3>
      {server.length === 0 ? (
        <p class="muted">None joined to this tab: a backend that tracks through <code>trodo.forRequest(req)</code> for this tab's requests shows here.</p>
      ) : (
        <ul class="calls" data-testid="identity-server">
          {server.map((r) => (
            <li key={r.id}>
              <code>{r.event.name}</code> <span class="tag server">server</span> <span class="muted">{formatTime(r.event.time)}</span>{' '}
              <span class="muted">for <code>{r.event.distinctId}</code>{r.event.sessionId === sessionId ? ' in this session' : ''} · {describeStatus(r, now)}</span>
            </li>
          ))}
        </ul>
      )}
      <h3>Identity and profile calls</h3>
      {calls.length === 0 ? (
        <p class="muted">None from this tab: identify, reset, people.* and group calls appear here.</p>
      ) : (
        <ul class="calls" data-testid="identity-calls">
          {calls.map((r) => (
            <li key={r.id}>
              <code>{r.event.name}</code> <span class="muted">{formatTime(r.event.time)}</span>{' '}
              <span class={`status ${viewStatus(r, heldOf(r))}`}>{describeStatus(r, now, heldOf(r))}</span>
              <div class="muted">{JSON.stringify(r.event.properties)}</div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 60 ? `${s} s` : s < 3600 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/** Group memberships as the tab's group calls left them (oldest first; reset clears them). */
function memberships(records: HistoryRecord[]): Record<string, string[]> {
  let groups: Record<string, string[]> = {};
  for (const { event } of [...records].reverse()) {
    const { groupKey, groupId } = event.properties;
    if (event.call === 'reset') groups = {};
    if (typeof groupKey !== 'string') continue;
    const ids = Array.isArray(groupId) ? groupId.map(String) : [String(groupId)];
    if (event.call === 'groups/set_group') groups[groupKey] = ids;
    else if (event.call === 'groups/add_group') groups[groupKey] = [...new Set([...(groups[groupKey] ?? []), ...ids])];
    else if (event.call === 'groups/remove_group') groups[groupKey] = (groups[groupKey] ?? []).filter((id) => !ids.includes(id));
    if (groups[groupKey]?.length === 0) delete groups[groupKey];
  }
  return groups;
}
