import type { HistoryRecord } from '../history';
import { bulkRequestOf, toWireEvent, type HttpRequest, type WireEvent } from '../wire/events';
import { requestFor } from '../wire/calls';

/** A batch ready to go: its request, built once, and the records it carries. */
export interface EncodedBatch {
  records: HistoryRecord[];
  request: HttpRequest | null;
  /** Records the wire format cannot express (a guard against records from older versions), with why. */
  broken: { record: HistoryRecord; error: string }[];
}

/**
 * Encodes a batch from takeBatch (one call alone, or plain events) into its request, each
 * event once. An event that cannot be encoded is left out and returned in `broken`, so it
 * cannot block the events behind it; `request` is null when nothing could be.
 */
export function encodeBatch(batch: HistoryRecord[], apiHost: string, siteId: string): EncodedBatch {
  const records: HistoryRecord[] = [];
  const broken: EncodedBatch['broken'] = [];
  if (batch[0]?.event.call) {
    try {
      return { records: batch, request: requestFor(apiHost, siteId, [batch[0].event]), broken };
    } catch (error) {
      return { records, request: null, broken: [{ record: batch[0], error: String(error) }] };
    }
  }
  const wire: WireEvent[] = [];
  for (const record of batch) {
    try {
      wire.push(toWireEvent(record.event));
      records.push(record);
    } catch (error) {
      broken.push({ record, error: String(error) });
    }
  }
  return { records, request: wire.length ? bulkRequestOf(apiHost, siteId, wire) : null, broken };
}
