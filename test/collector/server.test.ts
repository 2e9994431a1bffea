import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Collector, ReceivedRequest } from '../../lib/collector/server';
import { toWireEvent, type WireEvent } from '../../lib/wire/events';
import { makeEvent } from '../helpers';
import { start } from './start';

const tmpDirs: string[] = [];

afterEach(() => {
  for (const dir of tmpDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const wire = (count: number): WireEvent[] => Array.from({ length: count }, () => toWireEvent(makeEvent()));

function postBulk(collector: Collector, events: unknown[], headers: Record<string, string> = { 'X-Trodo-Site-Id': 'site-1' }) {
  return fetch(`${collector.url}/api/events/bulk`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify({ events }),
  });
}

async function json(response: Response): Promise<Record<string, unknown>> {
  return (await response.json()) as Record<string, unknown>;
}

describe('collector: bulk ingestion', () => {
  it('listens on a free port on 127.0.0.1', async () => {
    const collector = await start();
    expect(collector.port).toBeGreaterThan(0);
    expect(collector.url).toBe(`http://127.0.0.1:${collector.port}`);
  });

  it('accepts a bulk batch and lists the events back with their site id', async () => {
    const collector = await start();
    const events = wire(3);
    const response = await postBulk(collector, events);
    expect(response.status).toBe(200);
    expect(await json(response)).toEqual({ success: true, accepted: 3, duplicates: 0 });
    expect(collector.events().map((e) => e.event)).toEqual(events);
    expect(collector.events().every((e) => e.siteId === 'site-1')).toBe(true);
  });

  it('dedupes by event_id across requests and counts duplicates', async () => {
    const collector = await start();
    const events = wire(3);
    await postBulk(collector, events);
    const again = await postBulk(collector, [events[0], ...wire(1)]);
    expect(await json(again)).toEqual({ success: true, accepted: 1, duplicates: 1 });
    expect(collector.events()).toHaveLength(4);
    expect(collector.duplicates()).toBe(1);
  });

  it('answers 401 without the site id header, and stores nothing', async () => {
    const collector = await start();
    const response = await postBulk(collector, wire(1), {});
    expect(response.status).toBe(401);
    expect((await json(response)).error).toMatch(/X-Trodo-Site-Id/);
    expect(collector.events()).toEqual([]);
  });

  it('answers 400 naming the invalid events while accepting the valid ones', async () => {
    const collector = await start();
    const [good1, bad, good2] = wire(3);
    const noId = { ...good1!, event_id: undefined };
    const response = await postBulk(collector, [good1, { ...bad!, event_name: '' }, good2, noId]);
    expect(response.status).toBe(400);
    const body = await json(response);
    expect(body.invalid).toEqual([
      { event_id: bad!.event_id, reason: 'event_name must be a non-empty string' },
      { event_id: null, reason: 'event_id must be a non-empty string' },
    ]);
    expect(body.accepted).toBe(2);
    expect(collector.events().map((e) => e.event.event_id)).toEqual([good1!.event_id, good2!.event_id]);
  });

  it('answers 400 for a body that is not JSON or not { events }', async () => {
    const collector = await start();
    const notJson = await fetch(`${collector.url}/api/events/bulk`, { method: 'POST', headers: { 'X-Trodo-Site-Id': 's' }, body: '{' });
    expect(notJson.status).toBe(400);
    const wrongShape = await fetch(`${collector.url}/api/events/bulk`, { method: 'POST', headers: { 'X-Trodo-Site-Id': 's' }, body: '[1]' });
    expect(wrongShape.status).toBe(400);
  });

  it('answers 413 for a body over maxBodyBytes', async () => {
    const collector = await start({ maxBodyBytes: 1000 });
    const response = await postBulk(collector, wire(10));
    expect(response.status).toBe(413);
    expect(collector.events()).toEqual([]);
  });

  it('answers the other SDK routes, 405 for GET and 404 for unknown paths', async () => {
    const collector = await start();
    const post = (path: string) => fetch(`${collector.url}${path}`, { method: 'POST', headers: { 'X-Trodo-Site-Id': 's' }, body: '{}' });
    for (const path of ['/api/events', '/api/sdk/track', '/api/sdk/identify', '/api/sdk/people/set']) {
      expect((await post(path)).status).toBe(200);
    }
    expect((await post('/api/nothing')).status).toBe(404);
    expect((await fetch(`${collector.url}/api/events/bulk`)).status).toBe(405);
  });

  it('records every request for tests to inspect', async () => {
    const collector = await start();
    await postBulk(collector, wire(2));
    await postBulk(collector, wire(1), {});
    const requests = collector.requests();
    expect(requests.map((r) => [r.method, r.path, r.status, r.siteId, r.events])).toEqual([
      ['POST', '/api/events/bulk', 200, 'site-1', 2],
      ['POST', '/api/events/bulk', 401, null, 1],
    ]);
    expect(requests[0]!.accepted).toBe(2);
  });
});

describe('collector: faults', () => {
  it('answers a fault status with Retry-After, `times` times, then recovers', async () => {
    const collector = await start();
    collector.faults([{ status: 429, retryAfter: '2', times: 2 }]);
    for (let i = 0; i < 2; i++) {
      const response = await postBulk(collector, wire(1));
      expect(response.status).toBe(429);
      expect(response.headers.get('Retry-After')).toBe('2');
    }
    expect((await postBulk(collector, wire(1))).status).toBe(200);
    expect(collector.events()).toHaveLength(1);
    expect(collector.requests()[0]!.fault).toContain('429');
  });

  it('sends a fault body when given', async () => {
    const collector = await start();
    collector.faults([{ status: 503, body: { error: 'maintenance' } }]);
    const response = await postBulk(collector, wire(1));
    expect(response.status).toBe(503);
    expect(await json(response)).toEqual({ error: 'maintenance' });
  });

  it('drops the connection without an answer: fetch rejects, nothing is stored', async () => {
    const collector = await start();
    collector.faults([{ drop: true }]);
    await expect(postBulk(collector, wire(1))).rejects.toThrow();
    expect(collector.events()).toEqual([]);
    expect(collector.requests()[0]!.status).toBe(-1);
    expect((await postBulk(collector, wire(1))).status).toBe(200);
  });

  it('delays a request and then handles it normally', async () => {
    const collector = await start();
    collector.faults([{ delayMs: 40 }]);
    const started = performance.now();
    const response = await postBulk(collector, wire(1));
    expect(performance.now() - started).toBeGreaterThanOrEqual(35);
    expect(response.status).toBe(200);
    expect(collector.events()).toHaveLength(1);
  });

  it('answers 413 only for batches over overEvents', async () => {
    const collector = await start();
    collector.faults([{ status: 413, overEvents: 2, times: 10 }]);
    expect((await postBulk(collector, wire(3))).status).toBe(413);
    expect((await postBulk(collector, wire(2))).status).toBe(200);
    expect((await postBulk(collector, wire(1))).status).toBe(200);
    expect((await postBulk(collector, wire(5))).status).toBe(413);
    expect(collector.events()).toHaveLength(3);
  });

  it('fails every bulk request at failRate 1 and none at 0', async () => {
    const collector = await start();
    collector.faults([], 1, 502);
    for (let i = 0; i < 3; i++) expect((await postBulk(collector, wire(1))).status).toBe(502);
    collector.faults([], 0);
    expect((await postBulk(collector, wire(1))).status).toBe(200);
  });
});

describe('collector: control routes', () => {
  it('lists events and requests, takes faults and resets', async () => {
    const collector = await start();
    const events = wire(2);
    await postBulk(collector, events);
    await postBulk(collector, [events[0]]);

    const listed = await json(await fetch(`${collector.url}/__collector/events`));
    expect((listed.events as { event: WireEvent }[]).map((e) => e.event.event_id)).toEqual(events.map((e) => e.event_id));
    expect(listed.duplicates).toBe(1);

    const requests = (await json(await fetch(`${collector.url}/__collector/requests`))).requests as ReceivedRequest[];
    expect(requests).toHaveLength(2);

    const set = await fetch(`${collector.url}/__collector/faults`, { method: 'POST', body: JSON.stringify({ faults: [{ status: 500, times: 3 }] }) });
    expect(await json(set)).toEqual({ ok: true, pending: 3 });
    expect((await postBulk(collector, wire(1))).status).toBe(500);

    const rateOnly = await fetch(`${collector.url}/__collector/faults`, { method: 'POST', body: JSON.stringify({ failRate: 1, failStatus: 504 }) });
    expect(rateOnly.status).toBe(200);
    expect((await postBulk(collector, wire(1))).status).toBe(504);

    expect((await fetch(`${collector.url}/__collector/reset`, { method: 'POST' })).status).toBe(200);
    expect(collector.events()).toEqual([]);
    expect(collector.requests()).toEqual([]);
    expect(collector.duplicates()).toBe(0);
    expect((await postBulk(collector, [events[0]])).status).toBe(200);
    expect(collector.events()).toHaveLength(1); // dedupe memory was reset too
  });

  it('sums up what it holds, dropped and refused', async () => {
    const collector = await start({ maxEvents: 3 });
    const events = wire(5);
    await postBulk(collector, events);
    await postBulk(collector, [events[4]]);
    await fetch(`${collector.url}/__collector/events`, { headers: { Origin: 'http://localhost:3000' } });
    expect(await json(await fetch(`${collector.url}/__collector/summary`))).toEqual({
      events: 3, accepted: 5, dropped: 2, duplicates: 1, maxEvents: 3, requests: 2, droppedRequests: 0, refused: 1, invalid: 0, byEventName: { signup_completed: 3 }, violations: null,
    });
    expect(collector.summary().dropped).toBe(2);
    const listed = await json(await fetch(`${collector.url}/__collector/events`));
    expect(listed.dropped).toBe(2);
    await fetch(`${collector.url}/__collector/reset`, { method: 'POST' });
    expect(collector.summary()).toMatchObject({ events: 0, accepted: 0, dropped: 0, duplicates: 0, refused: 0 });
  });

  it('refuses a malformed faults body and unknown control routes', async () => {
    const collector = await start();
    expect((await fetch(`${collector.url}/__collector/faults`, { method: 'POST', body: 'nope' })).status).toBe(400);
    expect((await fetch(`${collector.url}/__collector/faults`, { method: 'POST', body: 'null' })).status).toBe(400);
    expect((await fetch(`${collector.url}/__collector/faults`, { method: 'POST', body: '{"faults":3}' })).status).toBe(400);
    expect((await fetch(`${collector.url}/__collector/unknown`)).status).toBe(404);
    expect((await fetch(`${collector.url}/__collector/events`, { method: 'DELETE' })).status).toBe(404);
  });

  it('control requests are not recorded as ingestion requests', async () => {
    const collector = await start();
    await fetch(`${collector.url}/__collector/events`);
    expect(collector.requests()).toEqual([]);
  });
});

describe('collector: CORS and persistence', () => {
  it('answers a CORS preflight allowing the site id header', async () => {
    const collector = await start();
    const response = await fetch(`${collector.url}/api/events/bulk`, {
      method: 'OPTIONS',
      headers: { Origin: 'chrome-extension://abc', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type,x-trodo-site-id' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe('*');
    expect(response.headers.get('Access-Control-Allow-Methods')).toContain('POST');
    expect(response.headers.get('Access-Control-Allow-Headers')?.toLowerCase()).toContain('x-trodo-site-id');
    expect(collector.requests()).toEqual([]);
  });

  it('puts CORS headers on ingestion answers, and none on control answers', async () => {
    const collector = await start();
    expect((await postBulk(collector, wire(1))).headers.get('Access-Control-Allow-Origin')).toBe('*');
    const listed = await fetch(`${collector.url}/__collector/events`);
    expect([...listed.headers.keys()].filter((name) => name.startsWith('access-control-'))).toEqual([]);
  });

  it('reloads only the newest maxEvents from a longer data file, and counts the rest as dropped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trodo-collector-'));
    tmpDirs.push(dir);
    const dataFile = join(dir, 'events.ndjson');
    const first = await start({ dataFile });
    const events = wire(5);
    await postBulk(first, events);
    await first.close();

    const second = await start({ dataFile, maxEvents: 2 });
    expect(second.events().map((e) => e.event)).toEqual(events.slice(-2));
    expect(second.summary()).toMatchObject({ events: 2, accepted: 5, dropped: 3 });
    // Dropped ones are still known to dedupe.
    expect(await json(await postBulk(second, [events[0]]))).toMatchObject({ accepted: 0, duplicates: 1 });
  });

  it('persists accepted events to the data file and reloads them, dedupe included, after a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trodo-collector-'));
    tmpDirs.push(dir);
    const dataFile = join(dir, 'events.ndjson');
    const first = await start({ dataFile });
    const events = wire(3);
    await postBulk(first, events);
    await postBulk(first, [events[0]]); // duplicate: not written again
    expect(readFileSync(dataFile, 'utf8').trim().split('\n')).toHaveLength(3);
    await first.close();

    const second = await start({ dataFile });
    expect(second.events().map((e) => e.event)).toEqual(events);
    expect(second.events()[0]!.siteId).toBe('site-1');
    const again = await postBulk(second, [events[1], ...wire(1)]);
    expect(await json(again)).toMatchObject({ accepted: 1, duplicates: 1 });
    expect(readFileSync(dataFile, 'utf8').trim().split('\n')).toHaveLength(4);
  });

  it('starts empty when the data file does not exist yet', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trodo-collector-'));
    tmpDirs.push(dir);
    const collector = await start({ dataFile: join(dir, 'missing.ndjson') });
    expect(collector.events()).toEqual([]);
  });

  it('logs a line per request when asked', async () => {
    const lines: string[] = [];
    const collector = await start({ log: (line) => lines.push(line) });
    await postBulk(collector, wire(2));
    expect(lines.some((l) => l.includes('bulk 2 events: 2 new'))).toBe(true);
  });
});
