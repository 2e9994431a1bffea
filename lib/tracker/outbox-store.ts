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

/** One outbox record: the events of one write, keyed by the first one's id. */
interface Chunk {
  id: string;
  events: TrodoEvent[];
}

/**
 * The page origin's IndexedDB database `trodo` (stores `outbox` and `state`), written
 * directly rather than through `idb`: this code runs in every page, where `idb`'s wrapper
 * would cost a tenth of the tracker's size and a promise per request on the hot path.
 * Nothing but the transaction's completion is awaited; a failed request aborts it.
 *
 * The events of one write go into one record, rewritten without the events removed since
 * and deleted once it holds none: a request per event cost the page ~70 ms of main thread
 * per 1 000 events (a put, then a delete on acknowledgement), a record per write costs a
 * few. The database opens on first use, not when the page starts.
 */
export function idbOutboxStore(idb: () => IDBFactory = () => indexedDB): OutboxStore {
  let db: Promise<IDBDatabase> | null = null;
  /** For each event written, its record: the key, and the events the record still holds. */
  const records = new Map<string, [key: string, held: Map<string, TrodoEvent>]>();
  const open = () =>
    (db ??= new Promise<IDBDatabase>((resolve, reject) => {
      const request = idb().open('trodo', 1);
      request.onupgradeneeded = () => {
        request.result.createObjectStore('outbox', { keyPath: 'id' });
        request.result.createObjectStore('state');
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
      request.onblocked = () => reject(new Error('the trodo database is blocked by another tab'));
    }));
  const run = async <T>(mode: IDBTransactionMode, work: (outbox: IDBObjectStore, state: IDBObjectStore) => () => T): Promise<T> => {
    const tx = (await open()).transaction(['outbox', 'state'], mode);
    const result = work(tx.objectStore('outbox'), tx.objectStore('state'));
    await new NativePromise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = tx.onabort = () => reject(tx.error ?? new Error('transaction aborted'));
    });
    return result();
  };
  const hold = (key: string, events: readonly TrodoEvent[]) => {
    const record: [string, Map<string, TrodoEvent>] = [key, new Map()];
    for (const event of events) {
      record[1].set(event.id, event);
      records.set(event.id, record);
    }
  };
  return {
    load: () =>
      run('readonly', (outbox, state) => {
        const all = outbox.getAll();
        const identity = state.get('identity');
        return () => {
          const events: TrodoEvent[] = [];
          for (const record of all.result as (Chunk | TrodoEvent)[]) {
            // Records of version 0.1 hold one event each.
            const held = 'events' in record ? record.events : [record as TrodoEvent];
            hold(record.id, held);
            events.push(...held);
          }
          return { events: events.sort((a, b) => (a.id < b.id ? -1 : 1)), identity: identity.result as unknown };
        };
      }),
    write: (puts, deletes, identity) =>
      run('readwrite', (outbox, state) => {
        const touched = new Set<[string, Map<string, TrodoEvent>]>();
        for (const id of deletes) {
          const record = records.get(id);
          if (!record) continue;
          records.delete(id);
          record[1].delete(id);
          touched.add(record);
        }
        for (const [key, held] of touched) held.size ? outbox.put({ id: key, events: [...held.values()] } satisfies Chunk) : outbox.delete(key);
        // Each event is put once (its id is new), so the first one's id is a fresh key.
        if (puts.length) {
          hold(puts[0]!.id, puts);
          outbox.put({ id: puts[0]!.id, events: [...puts] } satisfies Chunk);
        }
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
