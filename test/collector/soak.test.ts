import { afterEach, expect, it } from 'vitest';
import { startCollector, type Collector } from '../../lib/collector/server';
import { toWireEvent, type WireEvent } from '../../lib/wire/events';
import { makeEvent } from '../helpers';

let collector: Collector | null = null;
afterEach(async () => {
  await collector?.close();
  collector = null;
});

const post = (events: WireEvent[]) =>
  fetch(`${collector!.url}/api/events/bulk`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Trodo-Site-Id': 'soak' }, body: JSON.stringify({ events }) });

it('a 100 000-event soak keeps the newest maxEvents, drops and counts exactly the rest, and bounds the request log', async () => {
  collector = await startCollector({ port: 0, maxEvents: 10_000, maxRequests: 20 });
  const total = 100_000;
  const batch = 1_000;
  const ids: string[] = [];
  const kept: WireEvent[] = [];
  for (let start = 0; start < total; start += batch) {
    const events = Array.from({ length: batch }, (_, i) => toWireEvent(makeEvent({ properties: { seq: start + i } })));
    ids.push(...events.map((e) => e.event_id));
    const answer = await post(events);
    expect(answer.status).toBe(200);
    // Never more than the cap held, after any request.
    expect(collector.summary().events).toBeLessThanOrEqual(10_000);
    if (start + batch === total) kept.push(...events);
  }

  expect(collector.summary()).toEqual({ events: 10_000, accepted: 100_000, dropped: 90_000, duplicates: 0, maxEvents: 10_000, requests: 20, droppedRequests: 80, refused: 0, invalid: 0, byEventName: { signup_completed: 10_000 } });
  expect(collector.events().map((e) => e.event.event_id)).toEqual(ids.slice(-10_000));
  expect(collector.requests()).toHaveLength(20);

  // Dedupe remembers 4 × maxEvents ids: a late copy of a dropped event inside that window is
  // still a duplicate; one older than the window is taken again, and counted as accepted.
  const inWindow = ids.slice(-30_000, -29_990).map((event_id) => ({ ...kept[0]!, event_id }));
  expect(await (await post(inWindow)).json()).toEqual({ success: true, accepted: 0, duplicates: 10 });
  const beyond = ids.slice(0, 5).map((event_id) => ({ ...kept[0]!, event_id }));
  expect(await (await post(beyond)).json()).toEqual({ success: true, accepted: 5, duplicates: 0 });
  expect(collector.summary()).toMatchObject({ events: 10_000, accepted: 100_005, dropped: 90_005, duplicates: 10 });

  const listed = (await (await fetch(`${collector.url}/__collector/events`)).json()) as { events: unknown[]; dropped: number };
  expect(listed.events).toHaveLength(10_000);
  expect(listed.dropped).toBe(90_005);
}, 60_000);
