import { describe, expect, it } from 'vitest';
import type { TrodoEvent } from '../../lib/event';
import type { HistoryRecord } from '../../lib/history';
import { ANY_VIEW, BRIDGE_PORT, RATE, VIEWER_PORT, type WorkerToBridge, type WorkerToViewer } from '../../lib/protocol';
import { defaultSettings, type Settings } from '../../lib/settings';
import type { HttpRequest, WireEvent } from '../../lib/wire/events';
import { memoryWorkerStore } from '../../lib/worker/memory-store';
import { chunkWorkerStore, openWorkerDb } from '../../lib/worker/chunk-store';
import { FORGET_AFTER_MS } from '../../lib/worker/viewer-hub';
import { FLUSH_ALARM, createWorkerService, type WorkerPort } from '../../lib/worker/service';
import type { WorkerStore } from '../../lib/worker/store';
import type { HttpResult } from '../../lib/delivery/transport';
import { PAGE, T0, deferred, idSource, makeEvent, makeRecord, manualClock, settle, until, pageEvents, pageMessages } from '../helpers';

const EXT_ID = 'abcdefghijklmnopabcdefghijklmnop';
const EXT_ORIGIN = `chrome-extension://${EXT_ID}`;

class FakePort implements WorkerPort {
  sent: unknown[] = [];
  disconnected = false;
  /** Every postMessage call, including those a disconnected port refuses (the service swallows those throws). */
  attempts = 0;
  private messageListeners: ((message: unknown) => void)[] = [];
  private disconnectListeners: (() => void)[] = [];
  onMessage = { addListener: (l: (message: unknown) => void) => void this.messageListeners.push(l) };
  onDisconnect = { addListener: (l: () => void) => void this.disconnectListeners.push(l) };
  constructor(
    public name: string,
    public sender?: WorkerPort['sender'],
  ) {}
  postMessage(message: unknown) {
    this.attempts++;
    if (this.disconnected) throw new Error('Attempting to use a disconnected port object');
    this.sent.push(structuredClone(message));
  }
  disconnect() {
    this.disconnected = true;
  }
  deliver(message: unknown) {
    for (const l of this.messageListeners) l(message);
  }
  drop() {
    this.disconnected = true;
    for (const l of this.disconnectListeners) l();
  }
  of<T extends { type: string }>(type: string): T[] {
    return this.sent.filter((m): m is T => (m as { type: string }).type === type);
  }
  get acks() {
    return this.of<Extract<WorkerToBridge, { type: 'ack' }>>('ack').map((m) => m.ids);
  }
  get configs() {
    return this.of<Extract<WorkerToBridge, { type: 'config' }>>('config').map((m) => m.capture);
  }
}

const bridgeSender = (overrides: Partial<NonNullable<WorkerPort['sender']>> = {}) => ({
  id: EXT_ID,
  url: 'https://shop.test/pricing',
  origin: 'https://shop.test',
  tab: { id: 7 },
  ...overrides,
});
const viewerSender = { id: EXT_ID, url: `${EXT_ORIGIN}/popup.html` };

function setup(opts: { store?: WorkerStore; stored?: unknown; settings?: Partial<Settings>; reply?: (request: HttpRequest) => HttpResult } = {}) {
  const clock = manualClock();
  const store = opts.store ?? memoryWorkerStore();
  const requests: string[][] = [];
  const written: Settings[] = [];
  const logs: string[] = [];
  const badges: [number, number][] = [];
  let n = 0;
  const service = createWorkerService({
    store,
    transport: async (request) => {
      requests.push((JSON.parse(request.body) as { events: WireEvent[] }).events.map((e) => e.event_id));
      return opts.reply?.(request) ?? { kind: 'response', status: 200, retryAfter: null, body: { success: true } };
    },
    // Trodo's host (not loopback): the sites these tests send from are enabled for sending.
    defaults: { ...defaultSettings(), siteId: 'site-1', sendingSites: ['https://shop.test', 'https://blog.test', 'https://ads.test'], ...opts.settings },
    readSettings: async () => opts.stored,
    writeSettings: async (settings) => void written.push(settings),
    extensionId: EXT_ID,
    extensionOrigin: EXT_ORIGIN,
    now: clock.now,
    random: () => 0.5,
    newId: () => `id-${++n}`,
    setTimer: clock.setTimer,
    clearTimer: clock.clearTimer,
    log: (m) => logs.push(m),
    setBadge: (tabId, count) => void badges.push([tabId, count]),
  });
  return {
    service,
    clock,
    store,
    requests,
    written,
    logs,
    badges,
    /** Connects a bridge port; with no argument, from a valid tab of shop.test. */
    async bridge(...args: [WorkerPort['sender']?]) {
      const port = new FakePort(BRIDGE_PORT, args.length ? args[0] : bridgeSender());
      service.onConnect(port);
      await settle();
      return port;
    },
    async viewer(...args: [WorkerPort['sender']?]) {
      const port = new FakePort(VIEWER_PORT, args.length ? args[0] : viewerSender);
      service.onConnect(port);
      await settle();
      return port;
    },
  };
}

const events = (count: number, overrides: Partial<TrodoEvent> = {}) => Array.from({ length: count }, () => makeEvent(overrides));
const idsOf = (list: { id: string }[]) => list.map((e) => e.id);

describe('createWorkerService: bridges', () => {
  it('disconnects a port with an unknown name', async () => {
    const s = setup();
    const port = new FakePort('something-else', bridgeSender());
    s.service.onConnect(port);
    expect(port.disconnected).toBe(true);
  });

  it.each<[string, WorkerPort['sender']]>([
    ['another extension', bridgeSender({ id: 'otherextensionid' })],
    ['no sender', undefined],
    ['no tab', bridgeSender({ tab: undefined })],
    ['no tab id', bridgeSender({ tab: {} })],
    ['no origin at all', bridgeSender({ origin: undefined, url: undefined })],
  ])('refuses a bridge port from %s', async (_label, sender) => {
    const s = setup();
    const port = await s.bridge(sender);
    expect(port.disconnected).toBe(true);
    expect(port.sent).toEqual([]);
    port.deliver(pageEvents(events(1)));
    await settle();
    expect(await s.store.stats()).toMatchObject({ captured: 0 });
  });

  it('sends a new bridge the capture config once settings are loaded', async () => {
    const s = setup();
    const port = await s.bridge();
    expect(port.disconnected).toBe(false);
    expect(port.configs).toEqual([true]);
  });

  it('acknowledges events only after the store has committed them', async () => {
    const inner = memoryWorkerStore();
    const gate = deferred<void>();
    let ingestCalls = 0;
    const store: WorkerStore = {
      ...inner,
      async ingest(records) {
        ingestCalls++;
        await gate.promise;
        return inner.ingest(records);
      },
    };
    const s = setup({ store });
    const port = await s.bridge();
    const batch = events(2);
    port.deliver(pageEvents(batch));
    await settle(10);
    expect(ingestCalls).toBe(1);
    expect(port.acks).toEqual([]);
    gate.resolve();
    await settle();
    expect(port.acks).toEqual([idsOf(batch)]);
    expect(await inner.stats()).toMatchObject({ captured: 2, queued: 2 });
  });

  it('refuses new events while 10 000 wait to be stored, and takes a resent event once', async () => {
    const inner = memoryWorkerStore();
    const gate = deferred<void>();
    const store: WorkerStore = { ...inner, ingest: async (records) => (await gate.promise, inner.ingest(records)) };
    const s = setup({ store });
    const port = await s.bridge();
    const big = events(10_000);
    for (const message of pageMessages(big)) port.deliver(message);
    port.deliver(pageEvents(big.slice(0, 5))); // the bridge's resend: already waiting
    const late = events(1);
    port.deliver(pageEvents(late));
    await settle(10);
    expect(s.logs).toContain('refusing events from tab 7 (https://shop.test) for now: 10000 events are waiting to be stored');
    gate.resolve();
    await settle();
    expect(port.acks.flat()).toEqual(idsOf(big));
    port.deliver(pageEvents(late));
    await settle();
    expect(port.acks.at(-1)).toEqual(idsOf(late));
  });

  it('stores messages that arrive during a write together in the next one, and acknowledges each', async () => {
    const inner = memoryWorkerStore();
    const gate = deferred<void>();
    const ingests: number[] = [];
    const store: WorkerStore = {
      ...inner,
      async ingest(records) {
        ingests.push(records.length);
        if (ingests.length === 1) await gate.promise;
        return inner.ingest(records);
      },
    };
    const s = setup({ store });
    const top = await s.bridge();
    const frame = await s.bridge(bridgeSender({ origin: 'https://ads.test', tab: { id: 9 } }));
    const [first, second, third] = [events(2), events(3), events(4)];
    top.deliver(pageEvents(first));
    await settle(10);
    top.deliver(pageEvents(second));
    frame.deliver(pageEvents(third));
    await settle(10);
    expect(ingests).toEqual([2]);
    gate.resolve();
    await settle();
    expect(ingests).toEqual([2, 7]);
    expect(top.acks).toEqual([idsOf(first), idsOf(second)]);
    expect(frame.acks).toEqual([idsOf(third)]);
    expect((await s.store.recent(10)).filter((r) => r.origin === 'https://ads.test' && r.tabId === 9)).toHaveLength(4);
  });

  it('does not acknowledge when the store write fails (the bridge will send again)', async () => {
    const inner = memoryWorkerStore();
    const store: WorkerStore = { ...inner, ingest: () => Promise.reject(new Error('QuotaExceededError')) };
    const s = setup({ store });
    const port = await s.bridge();
    port.deliver(pageEvents(events(1)));
    await settle();
    expect(port.acks).toEqual([]);
    expect(s.logs.some((m) => m.includes('could not store events') && m.includes('QuotaExceededError'))).toBe(true);
  });

  it('acknowledges duplicates sent again but does not queue them twice', async () => {
    const s = setup();
    const port = await s.bridge();
    const batch = events(3);
    port.deliver(pageEvents(batch));
    await settle();
    port.deliver(pageEvents([batch[1]!, batch[2]!]));
    await settle();
    expect(port.acks).toEqual([idsOf(batch), idsOf(batch.slice(1))]);
    expect(await s.store.stats()).toEqual({ captured: 3, queued: 3, sent: 0, dropped: 0 });
    await s.service.flush();
    expect(s.requests).toEqual([idsOf(batch)]);
  });

  it('takes origin and tab id from the port sender, never from the event', async () => {
    const s = setup();
    const port = await s.bridge(bridgeSender({ origin: 'https://shop.test', tab: { id: 7 } }));
    const spoofed = makeEvent({ page: { ...PAGE, url: 'https://victim.test/account' } });
    (spoofed as unknown as Record<string, unknown>).origin = 'https://victim.test';
    (spoofed as unknown as Record<string, unknown>).tabId = 99;
    port.deliver(pageEvents([spoofed]));
    await settle();
    const [record] = await s.store.recent(10);
    expect(record).toMatchObject({ id: spoofed.id, origin: 'https://shop.test', tabId: 7, status: 'queued', capturedAt: spoofed.time, attempts: 0 });
  });

  it('derives the origin from the sender URL when the sender has no usable origin', async () => {
    const s = setup();
    const port = await s.bridge(bridgeSender({ origin: 'null', url: 'https://other.test:8443/a/b?c' }));
    port.deliver(pageEvents(events(1)));
    await settle();
    expect((await s.store.recent(1))[0]!.origin).toBe('https://other.test:8443');
  });

  it('stores and acknowledges only the well-formed events of a message', async () => {
    const s = setup();
    const port = await s.bridge();
    const good = makeEvent();
    port.deliver(pageEvents([good, { ...makeEvent(), id: 'nope' }, { junk: true }]));
    await settle();
    expect(port.acks).toEqual([[good.id]]);
    expect(idsOf(await s.store.recent(10))).toEqual([good.id]);
  });

  it('ignores messages that are not events messages', async () => {
    const s = setup();
    const port = await s.bridge();
    for (const message of [null, 'events', { type: 'ack', ids: [] }, { type: 'events', events: 'x' }, { type: 'page-events', json: 42 }]) port.deliver(message);
    await settle();
    expect(port.acks).toEqual([]);
    expect(await s.store.stats()).toMatchObject({ captured: 0 });
  });

  it('a bridge cannot give viewer commands: settings, flush and clear from a page are ignored', async () => {
    const s = setup();
    const port = await s.bridge();
    port.deliver(pageEvents(events(2)));
    await settle();
    for (const message of [
      { type: 'save-settings', change: { apiHost: 'https://attacker.test', siteId: 'stolen' } },
      { type: 'flush' },
      { type: 'clear', queue: true },
    ]) port.deliver(message);
    await settle();
    expect(s.written).toEqual([]);
    expect(s.requests).toEqual([]);
    expect(await s.store.stats()).toMatchObject({ captured: 2, queued: 2 });
    expect(port.sent.map((m) => (m as { type: string }).type)).toEqual(['config', 'ack']);
  });

  it('limits each tab\'s event rate across its frames; refused events are not acknowledged', async () => {
    const s = setup();
    const top = await s.bridge();
    const frame = await s.bridge(bridgeSender({ origin: 'https://ads.test', url: 'https://ads.test/frame' }));
    const half = RATE.tabEvents.capacity / 2;
    for (let sent = 0; sent < half; sent += 5000) {
      for (const message of pageMessages(events(5000))) top.deliver(message);
      for (const message of pageMessages(events(5000))) frame.deliver(message);
      await settle();
    }
    const over = events(10);
    frame.deliver(pageEvents(over));
    await settle();
    expect(frame.acks.flat()).toHaveLength(half);
    expect(s.logs).toContain('refusing events from tab 7 (https://ads.test) for now: the tab is over its event rate');
    // A second later the bucket has refilled: the bridge's resend is accepted.
    await s.clock.advance(1000);
    frame.deliver(pageEvents(over));
    await settle();
    expect(frame.acks.at(-1)).toEqual(idsOf(over));
    // Another tab has its own budget.
    const other = await s.bridge(bridgeSender({ tab: { id: 8 } }));
    other.deliver(pageEvents(events(5)));
    await settle();
    expect(other.acks.flat()).toHaveLength(5);
  }, 30_000); // 40 000 events through fake-indexeddb: seconds of CPU, more on a loaded machine

  it('stamps queuedAt with the worker clock and sets the tab badge', async () => {
    const s = setup();
    const port = await s.bridge();
    s.clock.set(s.clock.now() + 777);
    port.deliver(pageEvents(events(2)));
    await settle();
    expect((await s.store.recent(10)).map((r) => r.queuedAt)).toEqual([s.clock.now(), s.clock.now()]);
    expect(s.badges.at(-1)).toEqual([7, 2]);
  });

  it('sends queued events once a batch is full', async () => {
    const s = setup({ settings: { batchSize: 3 } });
    const port = await s.bridge();
    const batch = events(3);
    port.deliver(pageEvents(batch));
    await settle();
    expect(s.requests).toEqual([idsOf(batch)]);
    expect(await s.store.stats()).toMatchObject({ queued: 0, sent: 3 });
  });

  it('sends a partial batch after the flush interval', async () => {
    const s = setup({ settings: { batchSize: 50, flushIntervalMs: 5000 } });
    const port = await s.bridge();
    port.deliver(pageEvents(events(2)));
    await settle();
    expect(s.requests).toEqual([]);
    await s.clock.advance(5000);
    expect(s.requests).toHaveLength(1);
  });
});

describe('createWorkerService: capture switches', () => {
  it('with capture off, tells bridges and acknowledges events without storing them', async () => {
    const s = setup();
    const port = await s.bridge();
    const viewer = await s.viewer();
    viewer.deliver({ type: 'save-settings', change: { captureEnabled: false } });
    await settle();
    expect(port.configs).toEqual([true, false]);
    const batch = events(2);
    port.deliver(pageEvents(batch));
    await settle();
    expect(port.acks).toEqual([idsOf(batch)]);
    expect(await s.store.stats()).toMatchObject({ captured: 0, queued: 0 });
  });

  it('starts with capture off when the stored settings say so', async () => {
    const s = setup({ stored: { captureEnabled: false } });
    const port = await s.bridge();
    expect(port.configs).toEqual([false]);
    port.deliver(pageEvents(events(1)));
    await settle();
    expect(port.acks).toHaveLength(1);
    expect(await s.store.stats()).toMatchObject({ captured: 0 });
  });

  it('switches capture off for a disabled site only', async () => {
    const s = setup();
    const shop = await s.bridge(bridgeSender({ origin: 'https://shop.test', tab: { id: 1 } }));
    const blog = await s.bridge(bridgeSender({ origin: 'https://blog.test', url: 'https://blog.test/', tab: { id: 2 } }));
    s.service.onStoredSettings({ disabledSites: ['https://shop.test'] });
    await settle();
    expect(shop.configs).toEqual([true, false]);
    expect(blog.configs).toEqual([true]);
    shop.deliver(pageEvents(events(1)));
    blog.deliver(pageEvents(events(1)));
    await settle();
    expect(shop.acks).toHaveLength(1);
    expect(blog.acks).toHaveLength(1);
    expect((await s.store.recent(10)).map((r) => r.origin)).toEqual(['https://blog.test']);
  });

  it('does not message bridges whose capture did not change', async () => {
    const s = setup();
    const port = await s.bridge();
    s.service.onStoredSettings({ siteId: 'other-site' });
    await settle();
    expect(port.configs).toEqual([true]);
  });

  it('stops messaging a bridge once it disconnects', async () => {
    const s = setup();
    const port = await s.bridge();
    const other = await s.bridge(bridgeSender({ tab: { id: 8 } }));
    const before = port.attempts;
    port.drop();
    s.service.onStoredSettings({ captureEnabled: false });
    await settle();
    // The live bridge hears of the change, so a message was due; the dropped one is not even tried.
    expect(other.configs).toEqual([true, false]);
    expect(port.attempts).toBe(before);
  });
});

describe('createWorkerService: viewers', () => {
  it.each<[string, WorkerPort['sender']]>([
    ['a web page', { id: EXT_ID, url: 'https://evil.test/popup.html' }],
    ['another extension', { id: 'other', url: `chrome-extension://other/popup.html` }],
    ['a sender without url', { id: EXT_ID }],
    ['no sender', undefined],
  ])('refuses a viewer port from %s', async (_label, sender) => {
    const s = setup();
    const port = await s.viewer(sender);
    expect(port.disconnected).toBe(true);
    expect(port.sent).toEqual([]);
  });

  it('sends a new viewer a snapshot: stats, history counts, state and settings, but no records', async () => {
    const s = setup();
    const bridge = await s.bridge();
    const batch = events(3);
    bridge.deliver(pageEvents(batch));
    await settle();
    const viewer = await s.viewer();
    const [snapshot] = viewer.of<Extract<WorkerToViewer, { type: 'snapshot' }>>('snapshot');
    expect(snapshot).toBeDefined();
    expect(snapshot).not.toHaveProperty('records');
    expect(snapshot!.history).toMatchObject({ total: 3, retrying: 0, names: [{ name: 'signup_completed', count: 3 }] });
    expect(snapshot!.stats).toEqual({ captured: 3, queued: 3, sent: 0, dropped: 0 });
    expect(snapshot!.state).toMatchObject({ inFlight: false });
    expect(snapshot!.settings).toMatchObject({ siteId: 'site-1' });
  });

  it('answers a view with its window, newest first, and again (once per 100 ms) as history changes', async () => {
    const s = setup({ settings: { batchSize: 50 } });
    const viewer = await s.viewer();
    const bridge = await s.bridge();
    const first = events(4);
    bridge.deliver(pageEvents(first));
    await settle();
    viewer.deliver({ type: 'view', id: 'list', seq: 1, query: ANY_VIEW, offset: 1, limit: 2, live: true });
    await settle();
    const pages = () => viewer.of<Extract<WorkerToViewer, { type: 'page' }>>('page');
    expect(pages()).toHaveLength(1);
    expect(pages()[0]).toMatchObject({ id: 'list', seq: 1, total: 4, offset: 1 });
    expect(idsOf(pages()[0]!.records)).toEqual(idsOf(first).reverse().slice(1, 3));

    bridge.deliver(pageEvents(events(2)));
    bridge.deliver(pageEvents(events(3)));
    await settle();
    expect(pages()).toHaveLength(1);
    await s.clock.advance(100);
    await settle();
    expect(pages()).toHaveLength(2);
    expect(pages()[1]).toMatchObject({ seq: 1, total: 9 });
    // A one-off view (an export's slice) is answered once, and not kept.
    viewer.deliver({ type: 'view', id: 'read-1', seq: 0, query: { ...ANY_VIEW, name: 'nothing_like_it' }, offset: 0, limit: 10, live: false });
    viewer.deliver({ type: 'unview', id: 'list' });
    await settle();
    expect(pages()[2]).toMatchObject({ id: 'read-1', total: 0, records: [] });
    bridge.deliver(pageEvents(events(1)));
    await settle();
    await s.clock.advance(100);
    await settle();
    expect(pages()).toHaveLength(3);
    const statuses = viewer.of<Extract<WorkerToViewer, { type: 'status' }>>('status');
    expect(statuses.at(-1)!.stats).toMatchObject({ captured: 10, queued: 10 });
    expect(statuses.at(-1)!.history).toMatchObject({ total: 10 });
  });

  it('rejects settings with a bad URL and keeps the old ones', async () => {
    const s = setup();
    const viewer = await s.viewer();
    viewer.deliver({ type: 'save-settings', change: { apiHost: 'ftp://files.test' } });
    await settle();
    const [rejected] = viewer.of<Extract<WorkerToViewer, { type: 'settings-rejected' }>>('settings-rejected');
    expect(rejected!.errors.apiHost).toMatch(/http/);
    expect(s.written).toEqual([]);
    expect(viewer.of('settings')).toEqual([]);
  });

  it('saves good settings and tells every viewer', async () => {
    const s = setup();
    const a = await s.viewer();
    const b = await s.viewer();
    a.deliver({ type: 'save-settings', change: { apiHost: 'http://127.0.0.1:4318/', batchSize: 10 } });
    await settle();
    expect(s.written).toHaveLength(1);
    expect(s.written[0]).toMatchObject({ apiHost: 'http://127.0.0.1:4318', batchSize: 10, siteId: 'site-1' });
    for (const viewer of [a, b]) {
      const updates = viewer.of<Extract<WorkerToViewer, { type: 'settings' }>>('settings');
      expect(updates.at(-1)!.settings).toMatchObject({ apiHost: 'http://127.0.0.1:4318', batchSize: 10 });
    }
  });

  it('stops messaging a viewer once it disconnects: no settings, pages or status are tried on it', async () => {
    const s = setup();
    const gone = await s.viewer();
    const open = await s.viewer();
    for (const viewer of [gone, open]) viewer.deliver({ type: 'view', id: 'list', seq: 1, query: ANY_VIEW, offset: 0, limit: 10, live: true });
    await settle();
    const before = gone.attempts;
    gone.drop();
    open.deliver({ type: 'save-settings', change: { batchSize: 10 } });
    const bridge = await s.bridge();
    bridge.deliver(pageEvents(events(2)));
    await settle();
    await s.clock.advance(100);
    // The open viewer got each kind of update, so each was due to the dropped one too.
    expect(open.of('settings')).toHaveLength(1);
    expect(open.of('page')).toHaveLength(2);
    expect(open.of('status').length).toBeGreaterThan(0);
    expect(gone.attempts).toBe(before);
  });

  it('frees what the store holds for viewers a minute after the last one has gone, unless another opens', async () => {
    let forgotten = 0;
    const s = setup({ store: { ...memoryWorkerStore(), forget: () => void forgotten++ } });
    const a = await s.viewer();
    const b = await s.viewer();
    a.drop();
    await s.clock.advance(FORGET_AFTER_MS);
    expect(forgotten).toBe(0);
    b.drop();
    await s.clock.advance(FORGET_AFTER_MS / 2);
    const c = await s.viewer();
    c.drop();
    await s.clock.advance(FORGET_AFTER_MS / 2);
    expect(forgotten).toBe(0);
    await s.clock.advance(FORGET_AFTER_MS / 2);
    expect(forgotten).toBe(1);
  });

  it('site-sending enables a held site with one command: its events go out, and switching it off holds new ones', async () => {
    const s = setup({ settings: { sendingSites: [], batchSize: 2 } });
    const viewer = await s.viewer();
    const port = await s.bridge();
    const held = events(2);
    port.deliver(pageEvents(held));
    await settle();
    await s.service.flush();
    expect(s.requests).toEqual([]);
    expect(port.acks.flat()).toEqual(idsOf(held)); // kept and acknowledged, only not sent
    viewer.deliver({ type: 'site-sending', origin: 'https://shop.test', send: true });
    await settle();
    expect(s.written.at(-1)!.sendingSites).toEqual(['https://shop.test']);
    expect(s.requests).toEqual([idsOf(held)]);
    viewer.deliver({ type: 'site-sending', origin: 'https://shop.test', send: false });
    await settle();
    port.deliver(pageEvents(events(2)));
    await settle();
    await s.service.flush();
    expect(s.written.at(-1)!.sendingSites).toEqual([]);
    expect(s.requests).toHaveLength(1);
    expect(await s.store.stats()).toMatchObject({ queued: 2, sent: 2 });
  });

  it('rejects a site-sending command for something that is not an http(s) origin', async () => {
    const s = setup();
    const viewer = await s.viewer();
    viewer.deliver({ type: 'site-sending', origin: 'chrome://settings', send: true });
    await settle();
    expect(s.written).toEqual([]);
    expect(viewer.of<Extract<WorkerToViewer, { type: 'settings-rejected' }>>('settings-rejected')[0]!.errors.sendingSites).toMatch(/origins/);
  });

  it('flush command sends now, bypassing backoff', async () => {
    let fail = true;
    const s = setup({ reply: () => (fail ? { kind: 'response', status: 503, retryAfter: null, body: undefined } : { kind: 'response', status: 200, retryAfter: null, body: undefined }) });
    const bridge = await s.bridge();
    bridge.deliver(pageEvents(events(1)));
    await settle();
    await s.service.flush();
    expect(s.requests).toHaveLength(1);
    fail = false;
    const viewer = await s.viewer();
    viewer.deliver({ type: 'flush' });
    await settle();
    expect(s.requests).toHaveLength(2);
    expect(await s.store.stats()).toMatchObject({ queued: 0, sent: 1 });
  });

  it('clear command forgets settled events, keeps queued ones, resends the snapshot and the views', async () => {
    const s = setup({ settings: { batchSize: 2 } });
    const bridge = await s.bridge();
    bridge.deliver(pageEvents(events(2)));
    await settle();
    const remaining = events(1);
    bridge.deliver(pageEvents(remaining));
    await settle();
    const viewer = await s.viewer();
    viewer.deliver({ type: 'view', id: 'list', seq: 1, query: ANY_VIEW, offset: 0, limit: 10, live: true });
    await settle();
    viewer.deliver({ type: 'clear' });
    await settle();
    const snapshots = viewer.of<Extract<WorkerToViewer, { type: 'snapshot' }>>('snapshot');
    expect(snapshots).toHaveLength(2);
    expect(idsOf(viewer.of<Extract<WorkerToViewer, { type: 'page' }>>('page').at(-1)!.records)).toEqual(idsOf(remaining));
    expect(snapshots[1]!.stats).toEqual({ captured: 0, queued: 1, sent: 0, dropped: 0 });
    expect(s.badges.at(-1)).toEqual([7, 1]);
  });

  it('clear with queue empties the queue too', async () => {
    const s = setup();
    const bridge = await s.bridge();
    bridge.deliver(pageEvents(events(3)));
    await settle();
    const viewer = await s.viewer();
    viewer.deliver({ type: 'clear', queue: true });
    await settle();
    expect(await s.store.stats()).toEqual({ captured: 0, queued: 0, sent: 0, dropped: 0 });
    await s.service.flush();
    expect(s.requests).toEqual([]);
  });

  it('ignores malformed viewer messages', async () => {
    const s = setup();
    const viewer = await s.viewer();
    viewer.deliver({ type: 'save-settings', change: 'apiHost=x' });
    viewer.deliver({ type: 'drop-database' });
    await settle();
    expect(viewer.sent.map((m) => (m as { type: string }).type)).toEqual(['snapshot']);
  });
});

describe('createWorkerService: worker lifecycle', () => {
  it('start() delivers what an earlier life of the worker left queued', async () => {
    const store = memoryWorkerStore();
    const left: HistoryRecord[] = [makeRecord(), makeRecord()];
    await store.ingest(left);
    const s = setup({ store });
    await s.service.start();
    expect(s.requests).toEqual([idsOf(left)]);
  });

  it('flushes on its alarm and ignores other alarms', async () => {
    const store = memoryWorkerStore();
    await store.ingest([makeRecord()]);
    const s = setup({ store });
    s.service.onAlarm('someone-elses-alarm');
    await settle();
    expect(s.requests).toEqual([]);
    s.service.onAlarm(FLUSH_ALARM);
    await settle();
    expect(s.requests).toHaveLength(1);
  });

  it('falls back to defaults when settings cannot be read', async () => {
    const clock = manualClock();
    const logs: string[] = [];
    const service = createWorkerService({
      store: memoryWorkerStore(),
      transport: async () => ({ kind: 'failure', error: 'unused' }),
      defaults: { ...defaultSettings(), siteId: 'default-site' },
      readSettings: () => Promise.reject(new Error('storage unavailable')),
      writeSettings: async () => {},
      extensionId: EXT_ID,
      extensionOrigin: EXT_ORIGIN,
      now: clock.now,
      random: () => 0.5,
      newId: () => 'x',
      setTimer: clock.setTimer,
      clearTimer: clock.clearTimer,
      log: (m) => logs.push(m),
      setBadge: () => {},
    });
    const port = new FakePort(BRIDGE_PORT, bridgeSender());
    service.onConnect(port);
    await settle();
    expect(port.configs).toEqual([true]);
    expect(logs.some((m) => m.includes('could not read settings'))).toBe(true);
  });

  it('applies settings changed in storage by another context, ignoring invalid fields', async () => {
    const s = setup({ settings: { siteId: '' } });
    const store = s.store;
    await store.ingest([makeRecord()]);
    s.service.onStoredSettings({ siteId: 'from-options-page', batchSize: -5 });
    await settle();
    expect(s.requests).toHaveLength(1);
  });
});

describe('createWorkerService: history trim, as the worker runs it', () => {
  it('10 500 events stored over the IndexedDB store: history is trimmed to its limit (10 000 here) and every queued event is kept', async () => {
    const HISTORY_LIMIT = 10_000;
    let up = true;
    const store = chunkWorkerStore(openWorkerDb(`trodo-trim-test-${Date.now()}`));
    const s = setup({
      store,
      settings: { batchSize: 500, maxQueueEvents: 100_000, historyLimit: HISTORY_LIMIT },
      reply: () => ({ kind: 'response', status: up ? 200 : 503, retryAfter: null, body: { success: true } }),
    });
    const bridge = await s.bridge();
    const ids = idSource(T0 + 1_000_000);
    const deliver = async (count: number) => {
      const batch = Array.from({ length: count }, () => makeEvent({}, ids));
      const acks = bridge.acks.length;
      bridge.deliver(pageEvents(batch));
      await until(() => bridge.acks.length > acks, 100_000);
      return batch;
    };
    // 10 000 delivered (full batches go at once), then the server fails and 500 more wait.
    for (let i = 0; i < 20; i++) {
      await deliver(500);
      await until(async () => (await store.stats()).sent === (i + 1) * 500, 100_000);
    }
    up = false;
    const waiting = idsOf(await deliver(500));

    // The 500th new event since the last trim starts one; it runs in the background.
    await until(async () => (await store.recent(Infinity)).length <= HISTORY_LIMIT, 200);
    const history = await store.recent(Infinity);
    expect(history).toHaveLength(HISTORY_LIMIT);
    const kept = new Set(history.map((r) => r.id));
    expect(waiting.every((id) => kept.has(id))).toBe(true);
    expect(idsOf(await store.head(1000))).toEqual(waiting);
    expect(await store.stats()).toMatchObject({ captured: 10_500, sent: 10_000, queued: 500 });
  }, 120_000);
});
