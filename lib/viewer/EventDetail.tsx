import type { HistoryRecord } from '../history';
import type { Json } from '../json';
import { toWireEvent } from '../wire/events';
import { lintEvent } from './lint';
import { SENDERS, formatTime } from './model';
import { describeViolation, violationsOf } from './plan-view';

/** One event in full: its life so far, lint, what the tracker changed, its data, and the JSON as sent. */
export function EventDetail({ record, held, now, onClose }: { record: HistoryRecord; held?: string; now: number; onClose: () => void }) {
  const { event } = record;
  const json = JSON.stringify(toWireEvent(event), null, 2);
  const warnings = lintEvent(record);
  const violations = violationsOf(record);
  return (
    <section class="detail" data-testid="event-detail" aria-label={`Event ${event.name}`}>
      <header>
        <h2>{event.name}</h2>
        <button type="button" class="quiet" onClick={onClose} aria-label="Close details (Escape)">✕</button>
      </header>
      {violations.length > 0 && (
        <div class="violations" data-testid="detail-violations">
          <h3>Tracking plan: {violations.length} violation{violations.length === 1 ? '' : 's'}</h3>
          <ul>{violations.map((v) => <li key={`${v.kind}${v.path}`} data-kind={v.kind}>{describeViolation(v)}</li>)}</ul>
        </div>
      )}
      <ol class="life" data-testid="detail-life">{lifeSteps(record, now, held).map((step) => <li key={step}>{step}</li>)}</ol>
      {warnings.length > 0 && (
        <div class="warnings" data-testid="detail-lint">
          <h3>Lint</h3>
          <ul>{warnings.map((w) => <li key={w.message}>{w.message}</li>)}</ul>
        </div>
      )}
      {event.notes?.length ? (
        <div class="notes" data-testid="detail-notes">
          <h3>Changed by the tracker</h3>
          <ul>{event.notes.map((note) => <li key={note}>{note}</li>)}</ul>
        </div>
      ) : null}
      <Table title="Properties" data={event.properties} testId="detail-properties" />
      {event.autoData && Object.keys(event.autoData).length > 0 && <Table title="Auto-event data" data={event.autoData} />}
      {event.element && <Table title="Element" data={event.element} />}
      <Table title="Page" data={{ ...event.page }} />
      <div class="json-head">
        <h3>As sent</h3>
        <button type="button" data-testid="copy-json" onClick={() => void navigator.clipboard?.writeText(json)}>Copy JSON</button>
      </div>
      <pre data-testid="detail-json">{json}</pre>
    </section>
  );
}

/** The event's life as lines: captured → queued → attempts → sent, retrying or dropped. */
export function lifeSteps(record: HistoryRecord, now: number, held?: string): string[] {
  // A server event was never the extension's to send: only what the collector says of it.
  if (record.received) {
    return [`Tracked ${formatTime(record.capturedAt)} by a server`, `Received by the collector ${formatTime(record.received.at)} from ${SENDERS[record.received.sender]} · site ${record.received.siteId}`];
  }
  const steps = [
    `Captured ${formatTime(record.capturedAt)} on ${record.origin}${record.tabId !== null ? ` (tab ${record.tabId})` : ''}`,
    `Queued ${formatTime(record.queuedAt)}`,
  ];
  if (held) steps.push(`Held: ${held}`);
  switch (record.status) {
    case 'queued':
      if (!held) steps.push('Waiting for the next batch');
      break;
    case 'retrying':
      steps.push(`Attempt ${record.attempts} failed: ${record.lastError ?? 'unknown error'}`);
      if (record.nextAttemptAt) steps.push(`Next attempt ${formatTime(record.nextAttemptAt)} (in ${Math.max(0, Math.ceil((record.nextAttemptAt - now) / 1000))} s)`);
      break;
    case 'sent':
      steps.push(`Sent ${record.sentAt ? formatTime(record.sentAt) : ''} · HTTP ${record.httpStatus ?? '2xx'} · attempt ${record.attempts} · batch ${record.batchId?.slice(0, 8) ?? '–'}`);
      break;
    case 'dropped':
      steps.push(`Dropped after ${record.attempts} attempt${record.attempts === 1 ? '' : 's'}: ${record.reason ?? 'no reason recorded'}`);
      break;
  }
  return steps;
}

function Table({ title, data, testId }: { title: string; data: Record<string, Json | undefined>; testId?: string }) {
  const rows = Object.entries(data);
  return (
    <div class="kv" data-testid={testId}>
      <h3>{title}</h3>
      {rows.length === 0 ? (
        <p class="muted">none</p>
      ) : (
        <table>
          <tbody>
            {rows.map(([key, value]) => (
              <tr key={key}>
                <th scope="row">{key}</th>
                <td>{shorten(typeof value === 'string' ? value : JSON.stringify(value))}</td>
                <td class="type">{value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

/** Long values are cut in the table; the JSON below has them whole. */
function shorten(text = ''): string {
  return text.length > 160 ? `${text.slice(0, 160)}… (${text.length} characters)` : text;
}
