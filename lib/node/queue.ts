import type { TrodoEvent } from '../event';

/** One queued event or call: its id (the dedupe key), the event, and its approximate JSON size. */
export interface QueueItem {
  id: string;
  event: TrodoEvent;
  bytes: number;
  /** Told how the item ended (sent, refused, dropped) or that it waits for a retry. */
  settle?: (outcome: ItemOutcome) => void;
}

export type ItemOutcome = { kind: 'sent' } | { kind: 'failed' | 'dropped' | 'retrying'; reason: string };

export interface QueueLimits {
  maxCount: number;
  maxBytes: number;
}

/**
 * The Node SDK's store: events in memory, oldest first, bounded by count and bytes. When a
 * new item does not fit, the oldest are dropped (as the extension's queue does) and returned
 * so that the caller counts and reports them: nothing leaves silently. Items taken for
 * sending are out of the queue, and `putBack` returns them to the front on a retry.
 */
export function memoryQueue(limits: QueueLimits) {
  // An array with a moving head: taking a batch is O(batch), not O(queue).
  let items: QueueItem[] = [];
  let head = 0;
  let bytes = 0;

  function compact() {
    if (head > 1024 && head * 2 > items.length) {
      items = items.slice(head);
      head = 0;
    }
  }

  return {
    get length() {
      return items.length - head;
    },
    get bytes() {
      return bytes;
    },
    /** Adds an item; returns the items dropped to make room (possibly the new one, if it alone is over the byte cap). */
    push(item: QueueItem): QueueItem[] {
      items.push(item);
      bytes += item.bytes;
      let dropped: QueueItem[] | null = null;
      while (items.length - head > limits.maxCount || (bytes > limits.maxBytes && items.length > head)) {
        const old = items[head]!;
        items[head++] = undefined as never;
        bytes -= old.bytes;
        (dropped ??= []).push(old);
      }
      compact();
      return dropped ?? [];
    },
    /** The first `n` items, still queued. */
    peek(n: number): QueueItem[] {
      return items.slice(head, head + n);
    },
    /** Removes the first `n` items (those just peeked and being sent). */
    take(n: number): void {
      for (let i = head; i < head + n && i < items.length; i++) {
        bytes -= items[i]!.bytes;
        items[i] = undefined as never;
      }
      head = Math.min(items.length, head + n);
      compact();
    },
    /** Returns items taken for sending to the front, in their order (a retry). */
    putBack(batch: QueueItem[]): void {
      if (!batch.length) return;
      items = [...batch, ...items.slice(head)];
      head = 0;
      for (const item of batch) bytes += item.bytes;
    },
  };
}
