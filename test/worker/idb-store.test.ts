import { describe, expect, it } from 'vitest';
import { idbWorkerStore, openWorkerDb } from '../../lib/worker/idb-store';
import { makeRecord } from '../helpers';
import { describeStoreContract } from './store-contract';

let dbCount = 0;
/** A new database per test, so tests never see each other's data. */
const freshStore = () => idbWorkerStore(openWorkerDb(`trodo-worker-test-${++dbCount}`));

describeStoreContract('idbWorkerStore (fake-indexeddb)', freshStore);

describe('idbWorkerStore', () => {
  it('keeps everything across a reopen of the same database (a worker restart)', async () => {
    const name = `trodo-worker-restart-${++dbCount}`;
    const first = idbWorkerStore(openWorkerDb(name));
    const record = makeRecord();
    await first.ingest([record]);
    await first.setMeta('retry', { failures: 1, notBefore: 5 });
    (await openWorkerDb(name)).close();

    const second = idbWorkerStore(openWorkerDb(name));
    expect(await second.head(10)).toEqual([record]);
    expect(await second.stats()).toEqual({ captured: 1, queued: 1, sent: 0, dropped: 0 });
    expect(await second.getMeta('retry')).toEqual({ failures: 1, notBefore: 5 });
  });

  it('creates the queue, history and meta stores, with a tabId index on history', async () => {
    const db = await openWorkerDb(`trodo-worker-schema-${++dbCount}`);
    expect([...db.objectStoreNames].sort()).toEqual(['history', 'meta', 'queue']);
    expect([...db.transaction('history').store.indexNames]).toEqual(['tabId']);
    db.close();
  });
});
