import type { TrodoEvent } from '../event';
import type { Identity } from './identity';
import type { OutboxStore } from './outbox-store';

/**
 * Mirrors the page's un-acknowledged events (and its identity) into the store. Changes
 * made while a write is pending are gathered and written together: one transaction per
 * microtask at most, and never one per event, which is what keeps `track()` cheap.
 */
export function createOutbox(store: OutboxStore, schedule: (task: () => void) => void, onError: (error: unknown) => void) {
  const puts = new Map<string, TrodoEvent>();
  const deletes = new Set<string>();
  let identity: Identity | null = null;
  let scheduled = false;
  let writing = false;

  function request() {
    if (scheduled || writing) return;
    scheduled = true;
    schedule(write);
  }

  /** Async, not .catch/.finally: `await` never calls the page-replaceable Promise.prototype methods. */
  async function write() {
    scheduled = false;
    if (puts.size === 0 && deletes.size === 0 && !identity) return;
    const batch = { puts: [...puts.values()], deletes: [...deletes], identity: identity && { ...identity } };
    puts.clear();
    deletes.clear();
    identity = null;
    writing = true;
    try {
      await store.write(batch.puts, batch.deletes, batch.identity);
    } catch (error) {
      onError(error);
    }
    writing = false;
    if (puts.size || deletes.size || identity) request();
  }

  return {
    put(event: TrodoEvent) {
      puts.set(event.id, event);
      request();
    },
    remove(id: string) {
      // Acked before it was ever written: nothing to write at all.
      if (!puts.delete(id)) deletes.add(id);
      request();
    },
    saveIdentity(next: Identity) {
      identity = next;
      request();
    },
  };
}
