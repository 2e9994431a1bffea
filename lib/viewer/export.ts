import type { HistoryRecord } from '../history';
import { toWireEvent } from '../wire/events';

/** One exported event: exactly what is (or would be) sent, and what became of it. */
export function exportRecord(record: HistoryRecord) {
  const { event: _event, id: _id, ...delivery } = record;
  return { event: toWireEvent(record.event), delivery, notes: record.event.notes ?? [] };
}

export function toJson(records: HistoryRecord[]): string {
  return `${JSON.stringify(records.map(exportRecord), null, 2)}\n`;
}

/** One JSON object per line: what log tools and `jq -c` expect. */
export function toNdjson(records: HistoryRecord[]): string {
  return records.map((r) => `${JSON.stringify(exportRecord(r))}\n`).join('');
}
