import { describe, expect, it } from 'vitest';
import { createRelay, type PortLike } from '../../lib/bridge/relay';
import type { TrodoEvent } from '../../lib/event';
import { EVENTS_PREFIX, RATE, type BridgeToPage, type BridgeToWorker, type WorkerToBridge } from '../../lib/protocol';
import { makeEvent, manualClock } from '../helpers';

class FakePort implements PortLike {
  sent: BridgeToWorker[] = [];
  disconnected = false;
  throwOnPost = false;
  private messageListeners: ((message: WorkerToBridge) => void)[] = [];
  private disconnectListeners: (() => void)[] = [];
  onMessage = { addListener: (l: (message: WorkerToBridge) => void) => void this.messageListeners.push(l) };
  onDisconnect = { addListener: (l: () => void) => void this.disconnectListeners.push(l) };

  postMessage(message: BridgeToWorker) {
    if (this.throwOnPost) throw new Error('Attempting to use a disconnected port object');
    this.sent.push(structuredClone(message));
  }
  disconnect() {
    this.disconnected = true;
  }
  /** The worker sends a message. */
  deliver(message: WorkerToBridge) {
    for (const l of this.messageListeners) l(message);
  }
  /** The worker went away. */
  drop() {
    for (const l of this.disconnectListeners) l();
  }
  sentIds(): string[] {
    return this.sent.flatMap((m) => (JSON.parse(m.json) as { events: TrodoEvent[] }).events.map((e) => e.id));
  }
}

function setup(opts: { connectThrows?: () => boolean; alive?: () => boolean; onSdk?: (site: string) => void } = {}) {
  const clock = manualClock();
  const ports: FakePort[] = [];
  const toPage: BridgeToPage[] = [];
  const debug: string[] = [];
  let connects = 0;
  const relay = createRelay({
    connect: () => {
      connects++;
      if (opts.connectThrows?.()) throw new Error('Extension context invalidated.');
      const port = new FakePort();
      ports.push(port);
      return port;
    },
    alive: opts.alive ?? (() => true),
    toPage: (json) => toPage.push(JSON.parse(json) as BridgeToPage),
    now: clock.now,
    setTimer: clock.setTimer,
    clearTimer: clock.clearTimer,
    debug: (m) => debug.push(m),
    onSdk: opts.onSdk,
  });
  return {
    relay,
    clock,
    ports,
    toPage,
    debug,
    connects: () => connects,
    port: () => ports.at(-1)!,
    send: (events: TrodoEvent[]) => relay.fromPage(JSON.stringify({ type: 'events', events })),
  };
}

const READY = { type: 'ready', capture: true, autoEvents: true } as const;

/** A relay whose page has said hello and whose worker has sent its config. */
function connected(opts: Parameters<typeof setup>[0] = {}) {
  const r = setup(opts);
  r.relay.fromPage('{"type":"hello"}');
  r.port().deliver({ type: 'config', capture: true, autoEvents: true });
  r.toPage.length = 0;
  return r;
}

describe('createRelay', () => {
  it('connects on the page\'s hello, not before, and tells the page ready once the worker config arrives', () => {
    const r = setup();
    expect(r.connects()).toBe(0);
    r.relay.fromPage('{"type":"hello"}');
    expect(r.connects()).toBe(1);
    expect(r.toPage).toEqual([]);
    r.port().deliver({ type: 'config', capture: true, autoEvents: true });
    expect(r.toPage).toEqual([READY]);
    r.port().deliver({ type: 'config', capture: true, autoEvents: true });
    expect(r.toPage).toHaveLength(1); // unchanged config: no second ready
    r.port().deliver({ type: 'config', capture: false, autoEvents: true });
    expect(r.toPage).toEqual([READY, { type: 'ready', capture: false, autoEvents: true }]);
    // A later hello is answered at once, on the same port.
    r.relay.fromPage('{"type":"hello"}');
    expect(r.toPage.at(-1)).toEqual({ type: 'ready', capture: false, autoEvents: true });
    expect(r.connects()).toBe(1);
  });

  it('forwards the page\'s events message to the worker as the text it is, unparsed', () => {
    const r = connected();
    const json = JSON.stringify({ type: 'events', events: [makeEvent(), { id: 'not checked here' }] });
    expect(json.startsWith(EVENTS_PREFIX)).toBe(true);
    r.relay.fromPage(json);
    expect(r.port().sent).toEqual([{ type: 'page-events', json }]);
  });

  it('checks events in another shape itself, forwards the good ones in the tracker\'s shape and logs the bad ones', () => {
    const r = connected();
    const good = makeEvent();
    const bad = { ...makeEvent(), kind: 'sneaky' };
    r.relay.fromPage(JSON.stringify({ events: [bad, good], type: 'events' }));
    expect(r.port().sent).toEqual([{ type: 'page-events', json: JSON.stringify({ type: 'events', events: [good] }) }]);
    expect(r.debug).toContainEqual(`rejected event ${bad.id}: kind must be "custom" or "auto"`);
  });

  it.each<[string, unknown]>([
    ['an object detail', { type: 'events', events: [] }],
    ['non-JSON', '{"t":'],
    ['an unknown type', '{"type":"steal-cookies"}'],
    ['too many events', JSON.stringify({ events: new Array(1001).fill(null), type: 'events' })],
  ])('rejects a malformed page message (%s) without sending anything', (_label, detail) => {
    const r = connected();
    expect(() => r.relay.fromPage(detail)).not.toThrow();
    expect(r.port().sent).toEqual([]);
    expect(r.debug.some((m) => m.startsWith('rejected a page message'))).toBe(true);
  });

  it('sends nothing for a message whose events are all invalid', () => {
    const r = connected();
    r.relay.fromPage(JSON.stringify({ events: [{}, { id: 'x' }], type: 'events' }));
    expect(r.port().sent).toEqual([]);
    expect(r.clock.pending()).toEqual([]);
  });

  it('keeps no events: it passes the worker\'s acks to the page and never sends anything again by itself', async () => {
    const r = connected();
    const [a, b] = [makeEvent(), makeEvent()];
    r.send([a, b]);
    r.port().deliver({ type: 'ack', ids: [a.id] });
    expect(r.toPage).toEqual([{ type: 'ack', ids: [a.id] }]);
    r.port().deliver({ type: 'ack', ids: [] });
    expect(r.toPage).toHaveLength(1);
    // b is never acknowledged: resending it is the tracker's business, not the bridge's.
    expect(r.clock.pending()).toEqual([]);
    await r.clock.advance(60_000);
    expect(r.port().sentIds()).toEqual([a.id, b.id]);
  });

  it('after a disconnect (the worker stopped), tells the page ready after a backoff; the page\'s resend opens a new port', async () => {
    const r = connected();
    r.send([makeEvent()]);
    const first = r.port();
    first.drop();
    expect(r.toPage).toEqual([]);
    await r.clock.advance(49);
    expect(r.toPage).toEqual([]);
    await r.clock.advance(1);
    expect(r.toPage).toEqual([READY]);
    expect(r.connects()).toBe(1);
    const again = makeEvent();
    r.send([again]);
    expect(r.connects()).toBe(2);
    expect(r.port()).not.toBe(first);
    expect(r.port().sentIds()).toEqual([again.id]);
    expect(r.toPage).not.toContainEqual({ type: 'gone' });
  });

  it('backs off between reconnects while the worker stays away, and starts over once it acknowledges', async () => {
    const r = connected();
    const waits: number[] = [];
    for (let i = 0; i < 7; i++) {
      r.send([makeEvent()]);
      r.port().drop();
      waits.push(r.clock.pending()[0]!);
      await r.clock.advance(waits.at(-1)!);
    }
    expect(waits).toEqual([50, 200, 500, 1000, 2000, 5000, 5000]);
    const event = makeEvent();
    r.send([event]);
    r.port().deliver({ type: 'ack', ids: [event.id] });
    r.port().drop();
    expect(r.clock.pending()).toEqual([50]);
  });

  it('does not throw when connecting throws, and stays dead', async () => {
    const r = setup({ connectThrows: () => true });
    expect(() => r.relay.fromPage('{"type":"hello"}')).not.toThrow();
    expect(() => r.send([makeEvent()])).not.toThrow();
    expect(r.connects()).toBe(1);
    expect(r.toPage).toEqual([{ type: 'gone' }]);
    expect(r.clock.pending()).toEqual([]);
    await r.clock.advance(60_000);
    expect(r.connects()).toBe(1);
    expect(r.debug.some((m) => m.startsWith('extension unavailable'))).toBe(true);
  });

  it('gives up quietly when the extension goes away between reconnects', async () => {
    let fail = false;
    const r = connected({ connectThrows: () => fail });
    r.send([makeEvent()]);
    fail = true;
    r.port().drop();
    await r.clock.advance(50);
    expect(r.toPage).toEqual([READY]);
    r.send([makeEvent()]);
    expect(r.connects()).toBe(2);
    expect(r.toPage.at(-1)).toEqual({ type: 'gone' });
    expect(r.clock.pending()).toEqual([]);
  });

  it('survives a port that throws on postMessage: its disconnect has the page send again', async () => {
    const r = connected();
    r.port().throwOnPost = true;
    expect(() => r.send([makeEvent()])).not.toThrow();
    r.port().drop();
    await r.clock.advance(50);
    expect(r.toPage).toEqual([READY]);
    const event = makeEvent();
    r.send([event]);
    expect(r.connects()).toBe(2);
    expect(r.port().sentIds()).toEqual([event.id]);
  });

  it('stops for good, and tells the page, when a disconnect comes with the extension context gone', async () => {
    let alive = true;
    const r = connected({ alive: () => alive });
    r.send([makeEvent()]);
    const port = r.port();
    alive = false;
    port.drop();
    expect(r.toPage).toContainEqual({ type: 'gone' });
    expect(r.clock.pending()).toEqual([]);
    await r.clock.advance(60_000);
    r.send([makeEvent()]);
    expect(port.sent).toHaveLength(1);
    expect(r.connects()).toBe(1);
    expect(r.debug.some((m) => m.startsWith("extension unavailable; the page's events stay in its outbox"))).toBe(true);
  });

  it('refuses a flood past the frame\'s byte rate unacknowledged, then tells the page ready so it sends again', async () => {
    const r = connected();
    const megabyte = (i: number) => `${EVENTS_PREFIX}${' '.repeat(1024 * 1024 - EVENTS_PREFIX.length - 3)}${String(i % 10)}]}`;
    const fits = Math.floor(RATE.frameBytes.capacity / (1024 * 1024)) - 1; // the hello took a few bytes
    for (let i = 0; i < fits; i++) r.relay.fromPage(megabyte(i));
    expect(r.port().sent).toHaveLength(fits);
    r.relay.fromPage(megabyte(0));
    r.relay.fromPage(megabyte(1));
    r.relay.fromPage(megabyte(2));
    // Not forwarded, so never acknowledged: the page keeps them.
    expect(r.port().sent).toHaveLength(fits);
    expect(r.toPage).toEqual([]);
    await r.clock.advance(5000);
    expect(r.toPage).toEqual([READY]);
    expect(r.debug.filter((m) => m.startsWith('rate limit'))).toEqual(['rate limit: refused 3 messages (0 events) from this page for now; it sends them again']);
  });

  it('counts bytes before parsing: an oversized flood of junk is refused without being parsed', async () => {
    const r = setup();
    const junk = 'x'.repeat(1024 * 1024);
    for (let i = 0; i < 40; i++) r.relay.fromPage(junk);
    const parsed = r.debug.filter((m) => m.startsWith('rejected a page message')).length;
    expect(parsed).toBe(RATE.frameBytes.capacity / junk.length);
    await r.clock.advance(5000);
    expect(r.debug.some((m) => m.startsWith(`rate limit: refused ${40 - parsed} messages`))).toBe(true);
  });

  it('on the worker\'s explicit refusal, tells the page ready after the wait it names, once per episode', async () => {
    const r = connected();
    r.send([makeEvent()]);
    r.port().deliver({ type: 'refused', retryMs: 800 });
    r.port().deliver({ type: 'refused', retryMs: 800 });
    expect(r.clock.pending()).toEqual([800]);
    await r.clock.advance(799);
    expect(r.toPage).toEqual([]);
    await r.clock.advance(1);
    expect(r.toPage).toEqual([READY]);
    expect(r.clock.pending()).toEqual([]);
  });
});

describe('relay: the page names its own SDK', () => {
  it('hands sdk notes to onSdk, sends nothing to the worker for them, and ignores malformed ones', () => {
    const sites: string[] = [];
    const r = connected({ onSdk: (site) => sites.push(site) });
    r.relay.fromPage('{"type":"sdk"}');
    r.relay.fromPage('{"type":"sdk","site":"page-site"}');
    r.relay.fromPage('{"type":"sdk","site":{}}');
    expect(sites).toEqual(['', 'page-site']);
    expect(r.ports.flatMap((p) => p.sent)).toEqual([]);
  });
});
