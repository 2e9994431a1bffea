import type { HistoryRecord } from '../history';
import { toWireEvent } from '../wire';
import { describeStatus, formatTime } from './model';

/** One event in full: its life so far, what the tracker changed, and the JSON as sent. */
export function EventDetail({ record, held, onClose }: { record: HistoryRecord; held?: string; onClose: () => void }) {
  const json = JSON.stringify(toWireEvent(record.event), null, 2);
  return (
    <section class="detail" data-testid="event-detail" aria-label={`Event ${record.event.name}`}>
      <header>
        <h2>{record.event.name}</h2>
        <button type="button" onClick={onClose} aria-label="Close details">✕</button>
      </header>
      <dl class="life">
        <dt>Status</dt>
        <dd data-testid="detail-status">{describeStatus(record, Date.now(), held)}</dd>
        <dt>Captured</dt>
        <dd>{formatTime(record.capturedAt)} on {record.origin} (tab {record.tabId ?? '–'})</dd>
        <dt>Queued</dt>
        <dd>{formatTime(record.queuedAt)}</dd>
        {record.sentAt !== undefined && (<><dt>Sent</dt><dd>{formatTime(record.sentAt)} in batch {record.batchId?.slice(0, 8)}</dd></>)}
        <dt>Attempts</dt>
        <dd>{record.attempts}</dd>
      </dl>
      {record.event.notes?.length ? (
        <div class="notes" data-testid="detail-notes">
          <h3>Changed by the tracker</h3>
          <ul>{record.event.notes.map((note) => <li key={note}>{note}</li>)}</ul>
        </div>
      ) : null}
      <div class="json-head">
        <h3>As sent</h3>
        <button type="button" onClick={() => void navigator.clipboard?.writeText(json)}>Copy</button>
      </div>
      <pre data-testid="detail-json">{json}</pre>
    </section>
  );
}
