import { describe, expect, it } from 'vitest';
import { startCollector, type Collector } from '../../lib/collector/server';
import { createTrodo } from '../../lib/node/index';
import type { ServerFeedState } from '../../lib/protocol';
import { defaultSettings } from '../../lib/settings';
import { toWireEvent } from '../../lib/wire/events';
import { chunkWorkerStore, openWorkerDb } from '../../lib/worker/chunk-store';
import { STREAM_ID_KEY, createWorkerService } from '../../lib/worker/service';
import type { WorkerStore } from '../../lib/worker/store';
import { makeEvent } from '../helpers';
import { ACME } from '../plan/fixtures';
import { afterEach } from 'vitest';

const EXT_ORIGIN = 'chrome-extension://abcdefghijklmnopabcdefghijklmnop';
const open: { close(): Promise<unknown> }[] = [];
afterEach(async () => void (await Promise.all(open.splice(0).map((c) => c.close()))));

/** A worker service over `store` that reads `collector`'s stream with real fetch and timers. */
function worker(store: WorkerStore, apiHost: string, plan?: unknown) {
  const service = createWorkerService({
    store,
    transport: async () => ({ kind: 'response', status: 200, retryAfter: null, body: {} }),
    defaults: { ...defaultSettings(), apiHost, siteId: 'site-1' },
    readSettings: async () => undefined,
    writeSettings: async () => {},
    extensionId: 'abcdefghijklmnopabcdefghijklmnop',
    extensionOrigin: EXT_ORIGIN,
    now: Date.now,
    random: Math.random,
    newId: () => crypto.randomUUID(),
    setTimer: (task, ms) => setTimeout(task, ms),
    clearTimer: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
    log: () => {},
    setBadge: () => {},
    fetch,
    readPlan: async () => (plan ? { plan, source: 'test' } : undefined),
  });
  return { service };
}

const serverRecords = async (store: WorkerStore) => (await store.recent(Infinity)).filter((r) => r.source === 'server');
async function until(check: () => Promise<boolean>, ms = 10_000) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
const node = (collector: Collector) => {
  const sdk = createTrodo({ siteId: 'shop', apiHost: collector.url });
  open.push({ close: () => sdk.shutdown() });
  return sdk;
};
const post = (collector: Collector, events: unknown[], headers: Record<string, string> = {}) =>
  fetch(`${collector.url}/api/events/bulk`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Trodo-Site-Id': 's', ...headers }, body: JSON.stringify({ events }) });

describe('worker: the collector stream as server records', () => {
  it('records the Node SDK\'s events as server records (never queued), skips its own, and a restarted worker resumes without loss or duplicate', async () => {
    const collector = await startCollector();
    open.push(collector);
    const node = createTrodo({ siteId: 'shop', apiHost: collector.url });
    open.push({ close: () => node.shutdown() });
    const store = chunkWorkerStore(openWorkerDb(`feed-${crypto.randomUUID()}`));
    // The plan says checkout_completed is the browser's: the server's breaks its source rule.
    const first = worker(store, collector.url, ACME);
    await first.service.start();
    await node.forUser('id_bob', { sessionId: 'browser-session' }).track('checkout_completed', { amount_cents: 2900 });
    // This extension's own event, as its flusher posts it: not recorded again.
    await post(collector, [toWireEvent(makeEvent({ name: 'mine' }))], { Origin: EXT_ORIGIN });
    await until(async () => (await serverRecords(store)).length === 1);
    const [record] = await serverRecords(store);
    expect(record).toMatchObject({ source: 'server', tabId: null, status: 'sent', received: { sender: 'node-sdk', siteId: 'shop' } });
    expect(record!.event).toMatchObject({ name: 'checkout_completed', distinctId: 'id_bob', sessionId: 'browser-session', properties: { amount_cents: 2900 } });
    expect(await store.stats()).toMatchObject({ captured: 0, queued: 0 });
    expect(record!.plan?.violations).toContainEqual({ kind: 'wrong_source', path: '$.source', expected: 'browser', actual: 'server' });

    // The worker stops (as Chrome stops it); events keep coming; another life of the worker starts.
    // The id after the Node SDK's event is kept; the extension's own one need not be (read
    // again after a restart, it is skipped again).
    await until(async () => ((await store.getMeta<number>(STREAM_ID_KEY)) ?? 0) >= 1);
    first.service.stop();
    for (let i = 0; i < 20; i++) await node.track('user-2', `while_stopped_${i}`);
    const second = worker(store, collector.url);
    await second.service.start();
    for (let i = 0; i < 20; i++) await node.track('user-2', `after_restart_${i}`);
    await until(async () => (await serverRecords(store)).length === 41);
    second.service.stop();
    const names = (await serverRecords(store)).map((r) => r.event.name);
    expect(new Set(names).size).toBe(41);
    expect(names.filter((n) => n.startsWith('while_stopped_'))).toHaveLength(20);
    expect(await store.getMeta<number>(STREAM_ID_KEY)).toBe(42);
  });

  it('is live as soon as the collector answers, before any event; its own events never come back', async () => {
    const collector = await startCollector();
    open.push(collector);
    const store = chunkWorkerStore(openWorkerDb(`feed-${crypto.randomUUID()}`));
    const { service } = worker(store, collector.url);
    const viewer = await connectViewer(service);
    await service.start();
    await until(async () => viewer.feed().kind === 'live');
    await post(collector, [toWireEvent(makeEvent({ name: 'mine' }))], { Origin: EXT_ORIGIN });
    await node(collector).track('user-3', 'from_backend');
    await until(async () => (await serverRecords(store)).length === 1);
    service.stop();
    expect((await serverRecords(store)).map((r) => r.event.name)).toEqual(['from_backend']);
  });

  it('says server events are unavailable when the collector is down, and off when the host is not a local collector', async () => {
    const collector = await startCollector();
    const url = collector.url;
    await collector.close();
    const store = chunkWorkerStore(openWorkerDb(`feed-${crypto.randomUUID()}`));
    const down = worker(store, url);
    const viewer = await connectViewer(down.service);
    await down.service.start();
    await until(async () => viewer.feed().kind === 'unavailable');
    expect(viewer.feed()).toMatchObject({ error: expect.stringMatching(/unreachable/) });
    down.service.stop();

    const remote = worker(store, 'https://sdkapi.trodo.ai');
    const other = await connectViewer(remote.service);
    await remote.service.start();
    expect(other.feed()).toEqual({ kind: 'off', why: 'the ingestion host https://sdkapi.trodo.ai is not a local collector' });
  });
});

/** A viewer port; `feed()` is the last server-feed state it was told. */
async function connectViewer(service: ReturnType<typeof createWorkerService>) {
  let feed: ServerFeedState = { kind: 'connecting' };
  service.onConnect({
    name: 'trodo-viewer',
    sender: { id: 'abcdefghijklmnopabcdefghijklmnop', url: `${EXT_ORIGIN}/popup.html` },
    postMessage: (m: unknown) => {
      const message = m as { type: string; state?: ServerFeedState; server?: ServerFeedState };
      if (message.type === 'server-feed') feed = message.state!;
      if (message.type === 'snapshot') feed = message.server!;
    },
    onMessage: { addListener: () => {} },
    onDisconnect: { addListener: () => {} },
    disconnect: () => {},
  });
  await new Promise((r) => setTimeout(r, 50));
  return { feed: () => feed };
}
