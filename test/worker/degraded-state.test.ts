import { describe, expect, it } from 'vitest';
import { BRIDGE_PORT, VIEWER_PORT } from '../../lib/protocol';
import { defaultSettings } from '../../lib/settings';
import { withMemoryFallback } from '../../lib/worker/fallback-store';
import { memoryWorkerStore } from '../../lib/worker/memory-store';
import { createWorkerService, type WorkerPort } from '../../lib/worker/service';
import type { WorkerStore } from '../../lib/worker/store';
import { pageEvents } from '../helpers';
import { queuedRecord } from './delivery-helpers';

const EXT = 'ext-id';
const ORIGIN = 'chrome-extension://ext-id';

function fakePort(name: string, url: string, tabId?: number) {
  const received: unknown[] = [];
  const listeners: ((m: unknown) => void)[] = [];
  const port: WorkerPort = {
    name,
    sender: { id: EXT, url, origin: new URL(url).origin, tab: tabId === undefined ? undefined : { id: tabId } },
    postMessage: (m) => received.push(m),
    onMessage: { addListener: (l) => listeners.push(l) },
    onDisconnect: { addListener: () => {} },
    disconnect: () => {},
  };
  return { port, received, send: (m: unknown) => listeners.forEach((l) => l(m)) };
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
};

describe('durability degraded reaches the viewer', () => {
  it('after IndexedDB fails, events are still acknowledged and the viewer’s state carries the reason', async () => {
    const broken: WorkerStore = new Proxy({} as WorkerStore, { get: () => () => Promise.reject(new DOMException('quota', 'QuotaExceededError')) });
    const service = createWorkerService({
      store: withMemoryFallback(broken, memoryWorkerStore, () => {}),
      transport: async () => ({ kind: 'failure', error: 'offline' }),
      defaults: defaultSettings(),
      readSettings: async () => undefined,
      writeSettings: async () => {},
      extensionId: EXT,
      extensionOrigin: ORIGIN,
      now: () => 1_000,
      random: () => 0.5,
      newId: () => 'batch',
      setTimer: (task, ms) => setTimeout(task, ms),
      clearTimer: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
      log: () => {},
      setBadge: () => {},
    });
    const bridge = fakePort(BRIDGE_PORT, 'https://shop.test/', 7);
    service.onConnect(bridge.port);
    const event = queuedRecord(1).event;
    bridge.send(pageEvents([event]));
    await until(() => bridge.received.some((m) => (m as { type: string }).type === 'ack'));
    expect(bridge.received).toContainEqual({ type: 'ack', ids: [event.id] });

    const viewer = fakePort(VIEWER_PORT, `${ORIGIN}/popup.html`);
    service.onConnect(viewer.port);
    await until(() => viewer.received.some((m) => (m as { type: string }).type === 'snapshot'));
    const snapshot = viewer.received.find((m) => (m as { type: string }).type === 'snapshot') as { state: { degraded?: string }; stats: { queued: number } };
    expect(snapshot.state.degraded).toContain('QuotaExceededError');
    expect(snapshot.stats.queued).toBe(1);
  });
});
