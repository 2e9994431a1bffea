/** What a batching loop needs to know of a queued item: its event, and whether that is a call. */
export interface Batchable {
  id: string;
  event: { call?: unknown };
}

/**
 * One batch from the head of the queue: a call (identify, people.set, a session record, …)
 * goes alone, to its own endpoint; otherwise the leading run of plain events goes in one
 * bulk request. Taking only a prefix keeps the queue's order on the wire: a session record
 * reaches Trodo before the session's events, identify before the events after it.
 */
export function takeBatch<T extends Batchable>(head: T[]): T[] {
  const [first] = head;
  if (!first || first.event.call) return head.slice(0, 1);
  const end = head.findIndex((r) => r.event.call);
  return end === -1 ? head : head.slice(0, end);
}

/**
 * After a 413: a batch of several is sent again in halves (`limit`, the next batch size); an
 * event alone too large is dropped, and the size goes back to full for the events after it,
 * since only that one event was too large.
 */
export function splitAfter413(batchLength: number, batchSize: number): { dropAlone: boolean; limit: number } {
  return batchLength <= 1 ? { dropAlone: true, limit: batchSize } : { dropAlone: false, limit: Math.ceil(batchLength / 2) };
}

/** After a 400 naming invalid events: the ones to drop (all of them when the server named none of this batch). */
export function rejectedItems<T extends Batchable>(batch: T[], invalid: ReadonlyMap<string, string>): T[] {
  const named = batch.filter((item) => invalid.has(item.id));
  return named.length ? named : batch;
}
