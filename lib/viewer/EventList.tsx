import type { HistoryRecord } from '../history';
import { describeStatus, formatTime } from './model';

interface Props {
  records: HistoryRecord[];
  selected: string | null;
  held?: string;
  onSelect: (id: string) => void;
}

/** The captured events, newest first, one row each with what became of them. */
export function EventList({ records, selected, held, onSelect }: Props) {
  const now = Date.now();
  if (records.length === 0) {
    return (
      <p class="empty" data-testid="empty">
        No events yet. Open a page and call <code>window.Trodo.track('signup_completed')</code>.
      </p>
    );
  }
  return (
    <ul class="events" data-testid="event-list" aria-label="Captured events">
      {records.map((record) => (
        <li key={record.id}>
          <button
            type="button"
            class={`event ${record.id === selected ? 'selected' : ''}`}
            data-testid="event-row"
            data-event-id={record.id}
            data-status={record.status}
            aria-pressed={record.id === selected}
            onClick={() => onSelect(record.id)}
          >
            <span class={`dot ${record.status}`} aria-hidden="true" />
            <span class="name">{record.event.name}</span>
            <span class="category">{record.event.category}</span>
            <span class="page" title={record.event.page.url}>{record.event.page.path}</span>
            <time class="time">{formatTime(record.event.time)}</time>
            <span class={`status ${record.status}`} data-testid="event-status">
              {describeStatus(record, now, held)}
            </span>
          </button>
        </li>
      ))}
    </ul>
  );
}
