import { NativePromise } from './natives';
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

/**
 * The page origin's IndexedDB database `trodo` (stores `outbox` and `state`), written
 * directly rather than through `idb`: this code runs in every page, where `idb`'s wrapper
 * would cost a tenth of the tracker's size and a promise per request on the hot path.
 * Nothing but the transaction's completion is awaited; a failed request aborts it.
 */
export function idbOutboxStore(idb: IDBFactory = indexedDB): OutboxStore {
  const db = new Promise<IDBDatabase>((resolve, reject) => {
    const open = idb.open('trodo', 1);
    open.onupgradeneeded = () => {
      open.result.createObjectStore('outbox', { keyPath: 'id' });
      open.result.createObjectStore('state');
    };
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
    open.onblocked = () => reject(new Error('the trodo database is blocked by another tab'));
  });
  const run = async <T>(mode: IDBTransactionMode, work: (outbox: IDBObjectStore, state: IDBObjectStore) => () => T): Promise<T> => {
    const tx = (await db).transaction(['outbox', 'state'], mode);
    const result = work(tx.objectStore('outbox'), tx.objectStore('state'));
    await new NativePromise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = tx.onabort = () => reject(tx.error ?? new Error('transaction aborted'));
    });
    return result();
  };
  return {
    load: () =>
      run('readonly', (outbox, state) => {
        const events = outbox.getAll();
        const identity = state.get('identity');
        return () => ({ events: events.result as TrodoEvent[], identity: identity.result as unknown });
      }),
    write: (puts, deletes, identity) =>
      run('readwrite', (outbox, state) => {
        for (const event of puts) outbox.put(event);
        for (const id of deletes) outbox.delete(id);
        if (identity) state.put(identity, 'identity');
        return () => undefined;
      }),
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
