import type { HistoryRecord } from '../history';
import { lintEvent } from './lint';
import { SENDERS, describeStatus, formatTime, viewStatus } from './model';
import { describeViolation, violationsOf } from './plan-view';

interface Props {
  record: HistoryRecord;
  index: number;
  selected: boolean;
  /** Why it is held (model.heldWhy), if it is. */
  held?: string;
  now: number;
  onSelect: (index: number) => void;
}

export const ROW_HEIGHT = 58;

/** One event in the list: name, category, page, time, lint and what became of it. */
export function EventRow({ record, index, selected, held, now, onSelect }: Props) {
  const { event } = record;
  const warnings = lintEvent(record);
  const violations = violationsOf(record);
  const status = viewStatus(record, held);
  return (
    <div
      class={`event ${selected ? 'selected' : ''}`}
      role="option"
      aria-selected={selected}
      data-testid="event-row"
      data-event-id={record.id}
      data-status={status}
      onClick={() => onSelect(index)}
    >
      <span class={`dot ${status}`} aria-hidden="true" />
      <span class="name">
        {event.name}
        {record.source === 'server' && <span class="tag server" data-testid="server-badge" title="Received by the local collector from a server">server</span>}
        {event.kind === 'auto' && <span class="tag">auto</span>}
        {event.call && <span class="tag">call</span>}
        {violations.length > 0 && (
          <span class="violation-badge" data-testid="violation-badge" title={violations.map(describeViolation).join('\n')}>
            ✗ {violations.length}
          </span>
        )}
        {warnings.length > 0 && (
          <span class="lint-badge" data-testid="lint-badge" title={warnings.map((w) => w.message).join('\n')}>
            ⚠ {warnings.length}
          </span>
        )}
      </span>
      <span class="category">{event.category}</span>
      <time class="time">{formatTime(event.time)}</time>
      <span class="page" title={event.page.url}>{record.received ? SENDERS[record.received.sender] : event.page.path}</span>
      <span class={`status ${status}`} data-testid="event-status">{describeStatus(record, now, held)}</span>
    </div>
  );
}
