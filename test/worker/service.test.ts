import { describe, expect, it } from 'vitest';
import type { TrodoEvent } from '../../lib/event';
import type { HistoryRecord } from '../../lib/history';
import { BRIDGE_PORT, RATE, VIEWER_PORT, type WorkerToBridge, type WorkerToViewer } from '../../lib/protocol';
import { defaultSettings, type Settings } from '../../lib/settings';
import type { HttpRequest, WireEvent } from '../../lib/wire';
import { memoryWorkerStore } from '../../lib/worker/memory-store';
import { FLUSH_ALARM, createWorkerService, type WorkerPort } from '../../lib/worker/service';
import type { WorkerStore } from '../../lib/worker/store';
import type { HttpResult } from '../../lib/delivery/transport';
import { PAGE, deferred, makeEvent, makeRecord, manualClock, settle } from '../helpers';

const EXT_ID = 'abcdefghijklmnopabcdefghijklmnop';
const EXT_ORIGIN = `chrome-extension://${EXT_ID}`;

class FakePort implements WorkerPort {
  sent: unknown[] = [];
  disconnected = false;
  private messageListeners: ((message: unknown) => void)[] = [];
  private disconnectListeners: (() => void)[] = [];
  onMessage = { addListener: (l: (message: unknown) => void) => void this.messageListeners.push(l) };
  onDisconnect = { addListener: (l: () => void) => void this.disconnectListeners.push(l) };
  constructor(
    public name: string,
    public sender?: WorkerPort['sender'],
  ) {}
  postMessage(message: unknown) {
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
    defaults: { ...defaultSettings(), siteId: 'site-1', ...opts.settings },
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
    port.deliver({ type: 'events', events: events(1) });
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
    port.deliver({ type: 'events', events: batch });
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
    port.deliver({ type: 'events', events: big });
    port.deliver({ type: 'events', events: big.slice(0, 5) }); // the bridge's resend: already waiting
    const late = events(1);
    port.deliver({ type: 'events', events: late });
    await settle(10);
    expect(s.logs).toContain('refusing events from tab 7 (https://shop.test) for now: 10000 events are waiting to be stored');
    gate.resolve();
    await settle();
    expect(port.acks).toEqual([idsOf(big)]);
    port.deliver({ type: 'events', events: late });
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
    top.deliver({ type: 'events', events: first });
    await settle(10);
    top.deliver({ type: 'events', events: second });
    frame.deliver({ type: 'events', events: third });
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
    port.deliver({ type: 'events', events: events(1) });
    await settle();
    expect(port.acks).toEqual([]);
    expect(s.logs.some((m) => m.includes('could not store events') && m.includes('QuotaExceededError'))).toBe(true);
  });

  it('acknowledges duplicates sent again but does not queue them twice', async () => {
    const s = setup();
    const port = await s.bridge();
    const batch = events(3);
    port.deliver({ type: 'events', events: batch });
    await settle();
    port.deliver({ type: 'events', events: [batch[1]!, batch[2]!] });
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
    port.deliver({ type: 'events', events: [spoofed] });
    await settle();
    const [record] = await s.store.recent(10);
    expect(record).toMatchObject({ id: spoofed.id, origin: 'https://shop.test', tabId: 7, status: 'queued', capturedAt: spoofed.time, attempts: 0 });
  });

  it('derives the origin from the sender URL when the sender has no usable origin', async () => {
    const s = setup();
    const port = await s.bridge(bridgeSender({ origin: 'null', url: 'https://other.test:8443/a/b?c' }));
    port.deliver({ type: 'events', events: events(1) });
    await settle();
    expect((await s.store.recent(1))[0]!.origin).toBe('https://other.test:8443');
  });

  it('stores and acknowledges only the well-formed events of a message', async () => {
    const s = setup();
    const port = await s.bridge();
    const good = makeEvent();
    port.deliver({ type: 'events', events: [good, { ...makeEvent(), id: 'nope' }, { junk: true }] });
    await settle();
    expect(port.acks).toEqual([[good.id]]);
    expect(idsOf(await s.store.recent(10))).toEqual([good.id]);
  });

  it('ignores messages that are not events messages', async () => {
    const s = setup();
    const port = await s.bridge();
    for (const message of [null, 'events', { type: 'ack', ids: [] }, { type: 'events', events: 'x' }]) port.deliver(message);
    await settle();
    expect(port.acks).toEqual([]);
    expect(await s.store.stats()).toMatchObject({ captured: 0 });
  });

  it('a bridge cannot give viewer commands: settings, flush and clear from a page are ignored', async () => {
    const s = setup();
    const port = await s.bridge();
    port.deliver({ type: 'events', events: events(2) });
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
      top.deliver({ type: 'events', events: events(5000) });
      frame.deliver({ type: 'events', events: events(5000) });
      await settle();
    }
    const over = events(10);
    frame.deliver({ type: 'events', events: over });
    await settle();
    expect(frame.acks.flat()).toHaveLength(half);
    expect(s.logs).toContain('refusing events from tab 7 (https://ads.test) for now: the tab is over its event rate');
    // A second later the bucket has refilled: the bridge's resend is accepted.
    await s.clock.advance(1000);
    frame.deliver({ type: 'events', events: over });
    await settle();
    expect(frame.acks.at(-1)).toEqual(idsOf(over));
    // Another tab has its own budget.
    const other = await s.bridge(bridgeSender({ tab: { id: 8 } }));
    other.deliver({ type: 'events', events: events(5) });
    await settle();
    expect(other.acks.flat()).toHaveLength(5);
  });

  it('stamps queuedAt with the worker clock and sets the tab badge', async () => {
    const s = setup();
    const port = await s.bridge();
    s.clock.set(s.clock.now() + 777);
    port.deliver({ type: 'events', events: events(2) });
    await settle();
    expect((await s.store.recent(10)).map((r) => r.queuedAt)).toEqual([s.clock.now(), s.clock.now()]);
    expect(s.badges.at(-1)).toEqual([7, 2]);
  });

  it('sends queued events once a batch is full', async () => {
    const s = setup({ settings: { batchSize: 3 } });
    const port = await s.bridge();
    const batch = events(3);
    port.deliver({ type: 'events', events: batch });
    await settle();
    expect(s.requests).toEqual([idsOf(batch)]);
    expect(await s.store.stats()).toMatchObject({ queued: 0, sent: 3 });
  });

  it('sends a partial batch after the flush interval', async () => {
    const s = setup({ settings: { batchSize: 50, flushIntervalMs: 5000 } });
    const port = await s.bridge();
    port.deliver({ type: 'events', events: events(2) });
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
    port.deliver({ type: 'events', events: batch });
    await settle();
    expect(port.acks).toEqual([idsOf(batch)]);
    expect(await s.store.stats()).toMatchObject({ captured: 0, queued: 0 });
  });

  it('starts with capture off when the stored settings say so', async () => {
    const s = setup({ stored: { captureEnabled: false } });
    const port = await s.bridge();
    expect(port.configs).toEqual([false]);
    port.deliver({ type: 'events', events: events(1) });
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
    shop.deliver({ type: 'events', events: events(1) });
    blog.deliver({ type: 'events', events: events(1) });
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
    port.drop();
    expect(() => s.service.onStoredSettings({ captureEnabled: false })).not.toThrow();
    await settle();
    expect(port.configs).toEqual([true]);
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

  it('sends a new viewer a snapshot: recent records newest first, stats, state and settings', async () => {
    const s = setup();
    const bridge = await s.bridge();
    const batch = events(3);
    bridge.deliver({ type: 'events', events: batch });
    await settle();
    const viewer = await s.viewer();
    const [snapshot] = viewer.of<Extract<WorkerToViewer, { type: 'snapshot' }>>('snapshot');
    expect(snapshot).toBeDefined();
    expect(idsOf(snapshot!.records)).toEqual(idsOf(batch).reverse());
    expect(snapshot!.stats).toEqual({ captured: 3, queued: 3, sent: 0, dropped: 0 });
    expect(snapshot!.state).toMatchObject({ inFlight: false });
    expect(snapshot!.settings).toMatchObject({ siteId: 'site-1' });
  });

  it('sends viewers record and status updates, gathered every 100 ms', async () => {
    const s = setup({ settings: { batchSize: 50 } });
    const viewer = await s.viewer();
    const bridge = await s.bridge();
    bridge.deliver({ type: 'events', events: events(2) });
    bridge.deliver({ type: 'events', events: events(3) });
    await settle();
    expect(viewer.of('records')).toEqual([]);
    await s.clock.advance(100);
    const updates = viewer.of<Extract<WorkerToViewer, { type: 'records' }>>('records');
    expect(updates).toHaveLength(1);
    expect(updates[0]!.records).toHaveLength(5);
    const statuses = viewer.of<Extract<WorkerToViewer, { type: 'status' }>>('status');
    expect(statuses.at(-1)!.stats).toMatchObject({ captured: 5, queued: 5 });
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

  it('flush command sends now, bypassing backoff', async () => {
    let fail = true;
    const s = setup({ reply: () => (fail ? { kind: 'response', status: 503, retryAfter: null, body: undefined } : { kind: 'response', status: 200, retryAfter: null, body: undefined }) });
    const bridge = await s.bridge();
    bridge.deliver({ type: 'events', events: events(1) });
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

  it('clear command forgets settled events, keeps queued ones and resends the snapshot', async () => {
    const s = setup({ settings: { batchSize: 2 } });
    const bridge = await s.bridge();
    bridge.deliver({ type: 'events', events: events(2) });
    await settle();
    const remaining = events(1);
    bridge.deliver({ type: 'events', events: remaining });
    await settle();
    const viewer = await s.viewer();
    viewer.deliver({ type: 'clear' });
    await settle();
    const snapshots = viewer.of<Extract<WorkerToViewer, { type: 'snapshot' }>>('snapshot');
    expect(snapshots).toHaveLength(2);
    expect(idsOf(snapshots[1]!.records)).toEqual(idsOf(remaining));
    expect(snapshots[1]!.stats).toEqual({ captured: 0, queued: 1, sent: 0, dropped: 0 });
    expect(s.badges.at(-1)).toEqual([7, 1]);
  });

  it('clear with queue empties the queue too', async () => {
    const s = setup();
    const bridge = await s.bridge();
    bridge.deliver({ type: 'events', events: events(3) });
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
