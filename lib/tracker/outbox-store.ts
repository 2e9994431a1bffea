import { openDB, unwrap, type DBSchema } from 'idb';
import type { TrodoEvent } from '../event';
import type { Identity } from './identity';

/**
 * Durable storage for the page's un-acknowledged events and its identity. One `write`
 * is one transaction: the outbox coalesces everything that happened in a microtask into it.
 */
export interface OutboxStore {
  load(): Promise<{ events: TrodoEvent[]; identity: unknown }>;
  write(puts: readonly TrodoEvent[], deletes: readonly string[], identity: Identity | null): Promise<void>;
}

interface TrackerDB extends DBSchema {
  outbox: { key: string; value: TrodoEvent };
  state: { key: string; value: unknown };
}

/** The page origin's IndexedDB database `trodo`. */
export function idbOutboxStore(): OutboxStore {
  const db = openDB<TrackerDB>('trodo', 1, {
    upgrade(db) {
      db.createObjectStore('outbox', { keyPath: 'id' });
      db.createObjectStore('state');
    },
  });
  return {
    async load() {
      const tx = (await db).transaction(['outbox', 'state']);
      const [events, identity] = await Promise.all([tx.objectStore('outbox').getAll(), tx.objectStore('state').get('identity')]);
      return { events, identity };
    },
    async write(puts, deletes, identity) {
      const tx = (await db).transaction(['outbox', 'state'], 'readwrite');
      // The raw stores: idb wraps every request in a promise (listeners added and removed,
      // proxies), which on this hot path cost as much main-thread time as the writes
      // themselves. Nothing but tx.done is awaited; a failed request aborts the transaction.
      const outbox = unwrap(tx.objectStore('outbox'));
      for (const event of puts) outbox.put(event);
      for (const id of deletes) outbox.delete(id);
      if (identity) unwrap(tx.objectStore('state')).put(identity, 'identity');
      await tx.done;
    },
  };
}

/** Keeps everything in memory: for tests, and when IndexedDB is unavailable. */
export function memoryOutboxStore(): OutboxStore & { events: Map<string, TrodoEvent>; identity: Identity | null } {
  return {
    events: new Map(),
    identity: null,
    async load() {
      return { events: [...this.events.values()].sort((a, b) => (a.id < b.id ? -1 : 1)), identity: this.identity };
    },
    async write(puts, deletes, identity) {
      for (const event of puts) this.events.set(event.id, structuredClone(event));
      for (const id of deletes) this.events.delete(id);
      if (identity) this.identity = { ...identity };
    },
  };
}
