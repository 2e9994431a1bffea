import { describe, expect, it } from 'vitest';
import type { HistoryRecord } from '../../lib/history';
import { planKey } from '../../lib/plan/check';
import type { LoadedPlan, Plan } from '../../lib/plan/types';
import { ANY_VIEW, BRIDGE_PORT, VIEWER_PORT, isViewerMessage, type WorkerToViewer } from '../../lib/protocol';
import { defaultSettings } from '../../lib/settings';
import { memoryWorkerStore } from '../../lib/worker/memory-store';
import { RECHECK_SLICE, createPlanChecks } from '../../lib/worker/plan-checks';
import { createWorkerService, type WorkerPort } from '../../lib/worker/service';
import { makeEvent, makeRecord, manualClock, settle, until, pageEvents } from '../helpers';
import { ACME } from '../plan/fixtures';

const EXT_ID = 'abcdefghijklmnopabcdefghijklmnop';
const EXT_ORIGIN = `chrome-extension://${EXT_ID}`;

/** A port that records what the worker posts to it and lets the test speak for the other side. */
function fakePort(name: string, sender: WorkerPort['sender']) {
  const listeners: ((message: unknown) => void)[] = [];
  const sent: WorkerToViewer[] = [];
  const port: WorkerPort = {
    name,
    sender,
    postMessage: (message) => void sent.push(structuredClone(message) as WorkerToViewer),
    onMessage: { addListener: (l) => void listeners.push(l) },
    onDisconnect: { addListener: () => {} },
    disconnect: () => {},
  };
  return { port, sent, deliver: (message: unknown) => listeners.forEach((l) => l(message)) };
}

function setup(opts: { stored?: unknown; buildPlan?: unknown } = {}) {
  const clock = manualClock();
  const store = memoryWorkerStore();
  const writtenPlans: (LoadedPlan | null)[] = [];
  const service = createWorkerService({
    store,
    transport: async () => ({ kind: 'response', status: 200, retryAfter: null, body: { success: true } }),
    defaults: { ...defaultSettings(), siteId: '' },
    readSettings: async () => undefined,
    writeSettings: async () => {},
    readPlan: async () => opts.stored,
    writePlan: async (plan) => void writtenPlans.push(plan),
    buildPlan: opts.buildPlan,
    extensionId: EXT_ID,
    extensionOrigin: EXT_ORIGIN,
    now: clock.now,
    random: () => 0.5,
    newId: () => 'batch',
    setTimer: clock.setTimer,
    clearTimer: clock.clearTimer,
    log: () => {},
    setBadge: () => {},
  });
  return {
    service,
    store,
    clock,
    writtenPlans,
    async bridge() {
      const bridge = fakePort(BRIDGE_PORT, { id: EXT_ID, url: 'https://shop.test/', origin: 'https://shop.test', tab: { id: 7 } });
      service.onConnect(bridge.port);
      await settle();
      return bridge;
    },
    async viewer() {
      const viewer = fakePort(VIEWER_PORT, { id: EXT_ID, url: `${EXT_ORIGIN}/popup.html` });
      service.onConnect(viewer.port);
      await settle();
      return viewer;
    },
  };
}

const stored = (plan: Plan): LoadedPlan => ({ plan, key: planKey(plan), source: 'file', loadedAt: 1 });
const bad = () => makeEvent({ name: 'checkout_completed', category: 'billing', properties: { amount_cents: -1 } });
const pages = (sent: WorkerToViewer[]) => sent.filter((m): m is Extract<WorkerToViewer, { type: 'page' }> => m.type === 'page');
const coverages = (sent: WorkerToViewer[]) => sent.filter((m): m is Extract<WorkerToViewer, { type: 'coverage' }> => m.type === 'coverage');
const snapshots = (sent: WorkerToViewer[]) => sent.filter((m): m is Extract<WorkerToViewer, { type: 'snapshot' }> => m.type === 'snapshot');

describe('the worker checks events against the plan at ingest', () => {
  it('keeps each event’s violations on its history record', async () => {
    const s = setup({ stored: stored(ACME) });
    const bridge = await s.bridge();
    const event = bad();
    bridge.deliver(pageEvents([event, makeEvent({ name: 'unheard_of' })]));
    await until(async () => (await s.store.recent(10)).length === 2);
    const [second, first] = await s.store.recent(10);
    expect(first!.plan).toEqual({ plan: planKey(ACME), planned: true, violations: [{ kind: 'out_of_range', path: '$.properties.amount_cents', expected: '≥ 0', actual: '-1' }] });
    expect(second!.plan?.violations.map((v) => v.kind)).toEqual(['unplanned_event']);
  });

  it('records no check without a plan, and takes the build’s plan when none is stored', async () => {
    const none = setup();
    const bridge = await none.bridge();
    bridge.deliver(pageEvents([bad()]));
    await until(async () => (await none.store.recent(1)).length === 1);
    expect((await none.store.recent(1))[0]!.plan).toBeUndefined();

    const built = setup({ buildPlan: ACME });
    expect(snapshots((await built.viewer()).sent)[0]!.plan).toMatchObject({ key: planKey(ACME), source: 'build' });
    // A plan removed on purpose (stored null) overrides the build's.
    const removed = setup({ buildPlan: ACME, stored: null });
    expect(snapshots((await removed.viewer()).sent)[0]!.plan).toBeNull();
  });

  it('refuses a bad plan with the message, and the plan in force stays', async () => {
    const s = setup({ stored: stored(ACME) });
    const viewer = await s.viewer();
    viewer.deliver({ type: 'load-plan', text: '{"name": "x", "version": 1, "events": {"a": {"source": "web"}}}', source: 'paste' });
    await until(() => viewer.sent.some((m) => m.type === 'plan-rejected'));
    expect(viewer.sent.find((m) => m.type === 'plan-rejected')).toEqual({
      type: 'plan-rejected',
      error: 'The plan is not valid at $.events.a.source: expected one of "browser", "server", "any", got "web".',
    });
    expect(s.writtenPlans).toEqual([]);
    const bridge = await s.bridge();
    bridge.deliver(pageEvents([bad()]));
    await until(async () => (await s.store.recent(1)).length === 1);
    expect((await s.store.recent(1))[0]!.plan?.plan).toBe(planKey(ACME));
  });

  it('a new plan is stored, announced, and the history in view re-checked against it', async () => {
    const s = setup({ stored: stored(ACME) });
    const bridge = await s.bridge();
    bridge.deliver(pageEvents([bad()]));
    await until(async () => (await s.store.recent(1)).length === 1);
    const viewer = await s.viewer();
    viewer.deliver({ type: 'view', id: 'list', seq: 1, query: { ...ANY_VIEW, violations: true }, offset: 0, limit: 10, live: true });
    viewer.deliver({ type: 'coverage', id: 'plan', tabId: null });
    await until(() => pages(viewer.sent).length === 1 && coverages(viewer.sent).length === 1);
    expect(pages(viewer.sent)[0]!.total).toBe(1);
    expect(coverages(viewer.sent)[0]!.coverage!.summary).toMatch(/1 with violations/);
    const lenient: Plan = { ...ACME, version: '4', events: { checkout_completed: { properties: { amount_cents: { type: 'integer' } } } } };
    viewer.deliver({ type: 'load-plan', text: JSON.stringify(lenient), source: 'https://plans.test/acme.json' });
    await until(() => snapshots(viewer.sent).length === 2 && pages(viewer.sent).length === 2);
    expect(s.writtenPlans).toEqual([expect.objectContaining({ plan: lenient, key: planKey(lenient), source: 'https://plans.test/acme.json' })]);
    expect(viewer.sent.find((m) => m.type === 'plan')).toMatchObject({ plan: { key: planKey(lenient) } });
    // Re-checked against the new plan: no longer a violation, in the list and in the coverage.
    expect(pages(viewer.sent)[1]!.total).toBe(0);
    // Coverage reads all of history: at most once a second.
    await s.clock.advance(1000);
    await until(() => coverages(viewer.sent).length === 2);
    expect(coverages(viewer.sent)[1]!.coverage!.summary).toBe('1 of 1 planned events seen, 0 with violations');

    viewer.deliver({ type: 'view', id: 'list', seq: 2, query: ANY_VIEW, offset: 0, limit: 10, live: true });
    viewer.deliver({ type: 'unload-plan' });
    await until(() => snapshots(viewer.sent).length === 3 && pages(viewer.sent).some((p) => p.seq === 2));
    expect(s.writtenPlans.at(-1)).toBeNull();
    await until(() => pages(viewer.sent).at(-1)!.seq === 2 && pages(viewer.sent).length >= 4);
    expect(pages(viewer.sent).at(-1)!.records[0]!.plan).toBeUndefined();
  });
});

describe('plan messages from a viewer', () => {
  it('takes load-plan only with its text and source', () => {
    expect(isViewerMessage({ type: 'load-plan', text: '{}', source: 'paste' })).toBe(true);
    expect(isViewerMessage({ type: 'load-plan', text: {}, source: 'paste' })).toBe(false);
    expect(isViewerMessage({ type: 'load-plan', text: '{}' })).toBe(false);
    expect(isViewerMessage({ type: 'unload-plan' })).toBe(true);
  });
});

describe('re-checking a history against a new plan', () => {
  it('yields between slices so the worker is not blocked', async () => {
    let yields = 0;
    const checks = createPlanChecks(async () => void yields++);
    checks.set(stored(ACME));
    const records: HistoryRecord[] = Array.from({ length: RECHECK_SLICE * 2 + 1 }, () => makeRecord(bad()));
    const current = await checks.currentAll(records);
    expect(yields).toBe(2);
    expect(current.every((r) => r.plan?.violations[0]?.kind === 'out_of_range')).toBe(true);
    // Already current: the same object back, nothing redone.
    expect(checks.current(current[0]!)).toBe(current[0]);
  });
});
