import type { HistoryRecord } from '../history';
import type { WorkerStore } from './store';

/**
 * The head of the queue, read ahead for several batches: one store read, not one per batch.
 * Every id handed out stays in `busy` until the flusher settles it (queue eviction leaves
 * those alone), so a refill while batches are still in flight skips them rather than
 * waiting for their outcomes to be written.
 */
export function readAhead(store: WorkerStore, accept: (origin: string) => boolean, busy: Set<string>) {
  let ahead: HistoryRecord[] = [];
  /** The last read found the end of the queue (new events arriving call `more()`). */
  let exhausted = false;

  async function refill(count: number) {
    for (const record of ahead) busy.delete(record.id);
    const outstanding = busy.size;
    const read = await store.head(count + outstanding, accept);
    exhausted = read.length < count + outstanding;
    ahead = read.filter((record) => !busy.has(record.id));
    for (const record of ahead) busy.add(record.id);
  }

  return {
    /** At least `want` records from the head (fewer when the queue holds fewer), refilled by `want × batches`. */
    async peek(want: number, batches: number): Promise<HistoryRecord[]> {
      // Checked again, not only at the read: a site switched off since then is held at once.
      ahead = ahead.filter((r) => accept(r.origin) || (busy.delete(r.id) && false));
      if (ahead.length < want && !exhausted) await refill(want * batches);
      return ahead;
    },
    /** Hands out the first `count`; they stay busy until settled. */
    take(count: number): HistoryRecord[] {
      const taken = ahead.slice(0, count);
      ahead = ahead.slice(count);
      return taken;
    },
    /** Takes out the records read ahead that `drop` picks (they stay busy until settled). */
    discard(drop: (record: HistoryRecord) => boolean): HistoryRecord[] {
      const dropped = ahead.filter(drop);
      if (dropped.length) ahead = ahead.filter((r) => !drop(r));
      return dropped;
    },
    /** Events were queued since the last read: the next peek may read again. */
    more() {
      exhausted = false;
    },
    /** Forgets what was read ahead (nothing may be in flight): the next peek reads the head afresh. */
    reset() {
      ahead = [];
      exhausted = false;
      busy.clear();
    },
  };
}
