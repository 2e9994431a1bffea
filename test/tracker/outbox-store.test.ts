import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { idbOutboxStore } from '../../lib/tracker/outbox-store';
import { makeEvent } from '../helpers';

/** The records in the fake database, as the fixture's outboxCount and a later page load see them. */
async function records(idb: IDBFactory): Promise<{ id: string; events?: { id: string }[] }[]> {
  return new Promise((resolve, reject) => {
    const open = idb.open('trodo', 1);
    open.onsuccess = () => {
      const all = open.result.transaction('outbox').objectStore('outbox').getAll();
      all.onsuccess = () => (open.result.close(), resolve(all.result));
      all.onerror = () => reject(all.error);
    };
    open.onerror = () => reject(open.error);
  });
}

describe('idbOutboxStore', () => {
  it('writes the events of one write as one record, rewrites it without removed events, and deletes it when empty', async () => {
    const idb = new IDBFactory();
    const store = idbOutboxStore(() => idb);
    const events = Array.from({ length: 3 }, () => makeEvent());
    await store.write(events, [], null);
    expect((await records(idb)).map((r) => r.events?.map((e) => e.id))).toEqual([events.map((e) => e.id)]);
    await store.write([], [events[0]!.id], null);
    expect((await records(idb)).map((r) => r.events?.map((e) => e.id))).toEqual([[events[1]!.id, events[2]!.id]]);
    await store.write([], [events[1]!.id, events[2]!.id], null);
    expect(await records(idb)).toEqual([]);
  });

  it('loads the events of every record in id order, including one-event records of version 0.1', async () => {
    const idb = new IDBFactory();
    const [a, b, c] = Array.from({ length: 3 }, () => makeEvent());
    await idbOutboxStore(() => idb).write([b!, c!], [], null);
    await new Promise<void>((resolve) => {
      const open = idb.open('trodo', 1);
      open.onsuccess = () => {
        const tx = open.result.transaction('outbox', 'readwrite');
        tx.objectStore('outbox').put(a);
        tx.oncomplete = () => (open.result.close(), resolve());
      };
    });
    const reloaded = idbOutboxStore(() => idb);
    expect((await reloaded.load()).events.map((e) => e.id)).toEqual([a!.id, b!.id, c!.id]);
    // What it loaded, it can remove: the old record and the new one both go.
    await reloaded.write([], [a!.id, b!.id, c!.id], null);
    expect(await records(idb)).toEqual([]);
  });

  it('opens the database only when first used', async () => {
    let opened = 0;
    const idb = new IDBFactory();
    const counting = { open: (...args: Parameters<IDBFactory['open']>) => (opened++, idb.open(...args)) } as IDBFactory;
    const store = idbOutboxStore(() => counting);
    expect(opened).toBe(0);
    await store.load();
    expect(opened).toBe(1);
  });
});
