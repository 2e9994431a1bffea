import { describe, expect, it } from 'vitest';
import { INGEST_BATCH, MAX_WAITING, RETRY_STORE_MS, createIntake, type Arrival } from '../../lib/worker/intake';
import { RATE } from '../../lib/protocol';
import { makeEvent, manualClock, settle, pageEvents, pageMessages } from '../helpers';

function setup(store: (batch: Arrival<string>[]) => Promise<void> = async () => {}) {
  const clock = manualClock();
  const refused: [string, number][] = [];
  const log: string[] = [];
  const intake = createIntake<string>({ now: clock.now, log: (m) => log.push(m), store, ready: Promise.resolve(), refuse: (port, ms) => refused.push([port, ms]) });
  intake.openTab(1);
  return { intake, refused, log, clock };
}

const events = (n: number) => Array.from({ length: n }, () => makeEvent());

describe('createIntake: explicit refusals', () => {
  it('tells a bridge over its tab\'s rate that its events were refused, and when to send again', () => {
    const s = setup(() => new Promise(() => {}));
    // The tab's bucket holds RATE.tabEvents.capacity; MAX_WAITING caps what may wait first.
    expect(RATE.tabEvents.capacity).toBeGreaterThan(MAX_WAITING);
    for (const message of pageMessages(events(MAX_WAITING))) s.intake.receive('port-a', message, 1, 'http://a.test');
    expect(s.refused).toEqual([]);
    s.intake.receive('port-a', pageEvents(events(1)), 1, 'http://a.test');
    expect(s.refused).toEqual([['port-a', RETRY_STORE_MS]]);
    expect(s.log).toHaveLength(1);
  });

  it('refuses by rate with the bucket\'s own wait', async () => {
    const s = setup();
    const take = (n: number) => pageMessages(events(n)).forEach((message) => s.intake.receive('port-a', message, 1, 'http://a.test'));
    // Empty the tab's bucket, letting each message be stored so that none waits against MAX_WAITING.
    for (let given = 0; given < RATE.tabEvents.capacity; given += INGEST_BATCH) {
      take(Math.min(INGEST_BATCH, RATE.tabEvents.capacity - given));
      await settle();
    }
    expect(s.refused).toEqual([]);
    take(400);
    expect(s.refused).toEqual([['port-a', Math.ceil((400 / RATE.tabEvents.perSecond) * 1000)]]);
  });

  it('refuses every bridge of a batch whose storing failed: nothing was acknowledged', async () => {
    const s = setup(() => Promise.reject(new Error('QuotaExceededError')));
    s.intake.receive('port-a', pageEvents(events(2)), 1, 'http://a.test');
    s.intake.receive('port-b', pageEvents(events(2)), 1, 'http://a.test');
    await settle();
    await settle();
    expect(s.refused.map(([port]) => port).sort()).toEqual(['port-a', 'port-b']);
    expect(s.refused.every(([, ms]) => ms === RETRY_STORE_MS)).toBe(true);
    expect(s.log.some((m) => m.includes('QuotaExceededError'))).toBe(true);
  });
});

describe('createIntake: a page\'s events as text', () => {
  it('parses and checks the text in the worker: stores the good events, logs the bad, refuses a message over the caps', async () => {
    const stored: string[] = [];
    const s = setup(async (batch) => void stored.push(...batch.flatMap((a) => a.events.map((e) => e.id))));
    const good = makeEvent();
    const bad = { ...makeEvent(), kind: 'sneaky' };
    s.intake.receive('port-a', { type: 'page-events', json: JSON.stringify({ type: 'events', events: [bad, good] }) }, 1, 'http://a.test');
    s.intake.receive('port-a', { type: 'page-events', json: JSON.stringify({ type: 'events', events: events(1001) }) }, 1, 'http://a.test');
    s.intake.receive('port-a', { type: 'page-events', json: '{"type":"events","events":[' }, 1, 'http://a.test');
    await settle();
    expect(stored).toEqual([good.id]);
    expect(s.log).toEqual([
      `rejected event ${bad.id} from tab 1 (http://a.test): kind must be "custom" or "auto"`,
      'rejected a message from tab 1 (http://a.test): 1001 events in one message; at most 1000',
      'rejected a message from tab 1 (http://a.test): detail is not JSON',
    ]);
  });
});
