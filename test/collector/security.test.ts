import { request } from 'node:http';
import { networkInterfaces } from 'node:os';
import { describe, expect, it } from 'vitest';
import { toWireEvent, type WireEvent } from '../../lib/wire/events';
import { makeEvent } from '../helpers';
import { corsHeaders, raw, trickle } from './raw-http';
import { start } from './start';

const wire = (count: number): WireEvent[] => Array.from({ length: count }, () => toWireEvent(makeEvent()));
const bulk = (events: unknown[]) => JSON.stringify({ events });
const siteHeaders = { 'Content-Type': 'application/json', 'X-Trodo-Site-Id': 'site-1' };

/** A collector holding two events, so a refused read or reset has something to give away. */
async function holding() {
  const collector = await start();
  const events = wire(2);
  const answer = await raw(collector.port, '/api/events/bulk', { method: 'POST', headers: { ...siteHeaders, Host: `127.0.0.1:${collector.port}` }, body: bulk(events) });
  expect(answer.status).toBe(200);
  return { collector, host: `127.0.0.1:${collector.port}`, events };
}

describe('collector guard: Host', () => {
  it('refuses a foreign Host with 421 on every path, and does nothing it asked', async () => {
    const { collector } = await holding();
    for (const host of ['evil.example', `evil.example:${collector.port}`, `127.0.0.1:${collector.port + 1}`, `localhost.evil.example:${collector.port}`, '127.0.0.1', `127.0.0.2:${collector.port}`]) {
      const read = await raw(collector.port, '/__collector/events', { headers: { Host: host } });
      expect([host, read.status]).toEqual([host, 421]);
      expect(read.text).not.toContain('event_id');
      expect((await raw(collector.port, '/__collector/reset', { method: 'POST', headers: { Host: host } })).status).toBe(421);
      expect((await raw(collector.port, '/__collector/faults', { method: 'POST', headers: { Host: host }, body: '{"faults":[{"status":503,"times":9}]}' })).status).toBe(421);
      expect((await raw(collector.port, '/api/events/bulk', { method: 'POST', headers: { ...siteHeaders, Host: host }, body: bulk(wire(1)) })).status).toBe(421);
      expect((await raw(collector.port, '/api/events/bulk', { method: 'OPTIONS', headers: { Host: host, Origin: 'http://evil.example' } })).status).toBe(421);
      expect((await raw(collector.port, '/', { headers: { Host: host } })).status).toBe(421);
    }
    expect(collector.events()).toHaveLength(2);
    expect(collector.summary()).toMatchObject({ events: 2, refused: 36 });
    // No fault was planted: the next batch is taken.
    expect((await fetch(`${collector.url}/api/events/bulk`, { method: 'POST', headers: siteHeaders, body: bulk(wire(1)) })).status).toBe(200);
  });

  it('takes the loopback names with its port', async () => {
    const { collector } = await holding();
    for (const host of [`127.0.0.1:${collector.port}`, `localhost:${collector.port}`, `LocalHost:${collector.port}`, `[::1]:${collector.port}`]) {
      expect([host, (await raw(collector.port, '/__collector/summary', { headers: { Host: host } })).status]).toEqual([host, 200]);
    }
  });

  it('refuses an HTTP/1.0 request without Host', async () => {
    const collector = await start();
    const { closed } = trickle(collector.port, 'GET /__collector/events HTTP/1.0\r\n\r\n');
    expect((await closed).received).toMatch(/^HTTP\/1\.1 421 /);
  });
});

describe('collector guard: reading and control paths', () => {
  it('refuses web origins (http, https, opaque) with 403 and no CORS headers, and keeps its data', async () => {
    const { collector, host } = await holding();
    for (const origin of ['http://127.0.0.1:5173', 'http://localhost:3000', 'https://evil.example', 'null']) {
      const read = await raw(collector.port, '/__collector/events', { headers: { Host: host, Origin: origin } });
      expect([origin, read.status]).toEqual([origin, 403]);
      expect(corsHeaders(read)).toEqual([]);
      expect(read.text).not.toContain('event_id');
      const preflight = await raw(collector.port, '/__collector/reset', { method: 'OPTIONS', headers: { Host: host, Origin: origin, 'Access-Control-Request-Method': 'POST' } });
      expect(preflight.status).toBe(403);
      expect(corsHeaders(preflight)).toEqual([]);
      // A no-cors POST needs no preflight; the Origin it carries is enough to refuse it.
      expect((await raw(collector.port, '/__collector/reset', { method: 'POST', headers: { Host: host, Origin: origin, 'Content-Type': 'text/plain' } })).status).toBe(403);
      expect((await raw(collector.port, '/__collector/faults', { method: 'POST', headers: { Host: host, Origin: origin, 'Content-Type': 'text/plain' }, body: '{"faults":[{"status":503,"times":9}]}' })).status).toBe(403);
    }
    expect(collector.events()).toHaveLength(2);
    expect((await fetch(`${collector.url}/api/events/bulk`, { method: 'POST', headers: siteHeaders, body: bulk(wire(1)) })).status).toBe(200);
  });

  it('refuses a page’s load that carries no Origin but says where it came from (Sec-Fetch-Site)', async () => {
    const { collector, host } = await holding();
    for (const site of ['cross-site', 'same-site', 'same-origin']) {
      expect((await raw(collector.port, '/__collector/events', { headers: { Host: host, 'Sec-Fetch-Site': site, 'Sec-Fetch-Mode': 'navigate' } })).status).toBe(403);
    }
    // Typed into the address bar: the user's own request.
    expect((await raw(collector.port, '/__collector/events', { headers: { Host: host, 'Sec-Fetch-Site': 'none' } })).status).toBe(200);
  });

  it('answers the extension’s origin and clients without an origin, with no CORS headers', async () => {
    const { collector, host, events } = await holding();
    for (const headers of [{ Host: host, Origin: 'chrome-extension://abcdefghijklmnopabcdefghijklmnop' }, { Host: host, Origin: 'moz-extension://0b7c4f7e-2d4b-4c8e-9d51-6a2c1f0e3b11' }, { Host: host }] as Record<string, string>[]) {
      const read = await raw(collector.port, '/__collector/events', { headers });
      expect(read.status).toBe(200);
      expect(corsHeaders(read)).toEqual([]);
      expect(read.headers['cross-origin-resource-policy']).toBe('same-origin');
      expect((JSON.parse(read.text) as { events: { event: WireEvent }[] }).events.map((e) => e.event.event_id)).toEqual(events.map((e) => e.event_id));
    }
  });
});

describe('collector guard: the stream', () => {
  /** The stream's status, headers and first text; the connection is closed after that. */
  const open = (port: number, headers: Record<string, string>) =>
    new Promise<{ status: number; headers: Record<string, unknown>; text: string }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/__collector/stream', headers }, (res) => {
        res.setEncoding('utf8');
        res.once('data', (text: string) => {
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text });
          req.destroy();
        });
      });
      req.on('error', reject);
      req.end();
    });

  it('is refused to web origins, page loads and foreign Hosts, and given to the extension without CORS headers', async () => {
    const { collector, host, events } = await holding();
    for (const headers of [{ Host: host, Origin: 'http://127.0.0.1:5173' }, { Host: host, Origin: 'null' }, { Host: host, 'Sec-Fetch-Site': 'cross-site' }, { Host: `evil.example:${collector.port}` }] as Record<string, string>[]) {
      const answer = await open(collector.port, headers);
      expect([headers, answer.status]).toEqual([headers, headers.Host === host ? 403 : 421]);
      expect(Object.keys(answer.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
      expect(answer.text).not.toContain(events[0]!.event_id);
    }
    const extension = await open(collector.port, { Host: host, Origin: 'chrome-extension://abcdefghijklmnopabcdefghijklmnop' });
    expect(extension.status).toBe(200);
    expect(extension.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(Object.keys(extension.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
    expect(extension.headers['cross-origin-resource-policy']).toBe('same-origin');
  });
});

describe('collector guard: ingestion paths', () => {
  it('answers a web page’s preflight for POST with the ingestion headers only', async () => {
    const { collector, host } = await holding();
    const preflight = await raw(collector.port, '/api/events/bulk', {
      method: 'OPTIONS',
      headers: { Host: host, Origin: 'http://127.0.0.1:5173', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type,x-trodo-site-id' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('*');
    expect(preflight.headers['access-control-allow-methods']).toBe('POST, OPTIONS');
    expect(String(preflight.headers['access-control-allow-headers']).toLowerCase().split(', ')).toEqual(['content-type', 'x-trodo-site-id', 'x-trodo-call-id']);
    expect(preflight.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('takes a cross-origin POST and answers about its own events only', async () => {
    const { collector, host, events } = await holding();
    const mine = wire(1);
    const answer = await raw(collector.port, '/api/events/bulk', { method: 'POST', headers: { ...siteHeaders, Host: host, Origin: 'http://127.0.0.1:5173' }, body: bulk([...mine, events[0]]) });
    expect(answer.status).toBe(200);
    expect(answer.headers['access-control-allow-origin']).toBe('*');
    expect(JSON.parse(answer.text)).toEqual({ success: true, accepted: 1, duplicates: 1 });
    for (const path of ['/api/events/bulk', '/api/events', '/api/sdk/track']) {
      const read = await raw(collector.port, path, { headers: { Host: host, Origin: 'http://127.0.0.1:5173' } });
      expect(read.status).toBe(405);
      expect(read.text).not.toContain(events[1]!.event_id);
    }
    expect(collector.events()).toHaveLength(3);
  });
});

describe('collector guard: token', () => {
  it('requires the token on /__collector/* when one is set, as Bearer or X-Collector-Token; /api/* needs none', async () => {
    const token = 'a-long-enough-test-token';
    const collector = await start({ token });
    expect(collector.token).toBe(token);
    const host = `127.0.0.1:${collector.port}`;
    const none = await raw(collector.port, '/__collector/events', { headers: { Host: host } });
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer');
    expect((await raw(collector.port, '/__collector/reset', { method: 'POST', headers: { Host: host, Authorization: 'Bearer wrong-token-wrong-token' } })).status).toBe(401);
    expect((await raw(collector.port, '/__collector/events', { headers: { Host: host, 'X-Collector-Token': `${token}x` } })).status).toBe(401);
    expect((await raw(collector.port, '/__collector/events', { headers: { Host: host, Authorization: `Bearer ${token}` } })).status).toBe(200);
    expect((await raw(collector.port, '/__collector/events', { headers: { Host: host, 'X-Collector-Token': token } })).status).toBe(200);
    // The token does not make a web origin welcome.
    expect((await raw(collector.port, '/__collector/events', { headers: { Host: host, 'X-Collector-Token': token, Origin: 'http://localhost:3000' } })).status).toBe(403);
    expect((await fetch(`${collector.url}/api/events/bulk`, { method: 'POST', headers: siteHeaders, body: bulk(wire(1)) })).status).toBe(200);
  });

  it('has no token on loopback by default', async () => {
    expect((await start()).token).toBeNull();
  });

  it('listening on every interface makes a token, takes the machine’s own addresses and allowed names as Host, and still refuses others', async () => {
    const collector = await start({ host: '0.0.0.0', allowedHosts: ['collector.ci.test'] });
    expect(collector.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(collector.url).toBe(`http://127.0.0.1:${collector.port}`);
    const auth = { 'X-Collector-Token': collector.token! };
    const external = Object.values(networkInterfaces()).flatMap((list) => list ?? []).find((i) => i.family === 'IPv4' && !i.internal)?.address;
    for (const name of ['127.0.0.1', 'collector.ci.test', ...(external ? [external] : [])]) {
      expect([name, (await raw(collector.port, '/__collector/summary', { headers: { Host: `${name}:${collector.port}`, ...auth } })).status]).toEqual([name, 200]);
    }
    expect((await raw(collector.port, '/__collector/summary', { headers: { Host: `evil.example:${collector.port}`, ...auth } })).status).toBe(421);
    expect((await raw(collector.port, '/__collector/summary', { headers: { Host: `127.0.0.1:${collector.port}` } })).status).toBe(401);
  });
});

describe('collector limits: bounded work per request', () => {
  it('answers 413 for a batch over maxBatchEvents and keeps none of it', async () => {
    const collector = await start({ maxBatchEvents: 10 });
    const over = await fetch(`${collector.url}/api/events/bulk`, { method: 'POST', headers: siteHeaders, body: bulk(wire(11)) });
    expect(over.status).toBe(413);
    expect(((await over.json()) as { error: string }).error).toMatch(/over 10 events/);
    expect(collector.events()).toEqual([]);
    expect((await fetch(`${collector.url}/api/events/bulk`, { method: 'POST', headers: siteHeaders, body: bulk(wire(10)) })).status).toBe(200);
  });

  it('refuses JSON nested deeper than maxJsonDepth before parsing it, on ingestion and control paths', async () => {
    const collector = await start({ maxJsonDepth: 8 });
    const deepEvent = { ...wire(1)[0]!, custom_properties: { a: { b: { c: { d: { e: { f: 1 } } } } } } };
    const deep = await fetch(`${collector.url}/api/events/bulk`, { method: 'POST', headers: siteHeaders, body: bulk([deepEvent]) });
    expect(deep.status).toBe(400);
    expect(((await deep.json()) as { error: string }).error).toMatch(/deeper than 8/);
    // Brackets inside strings are not nesting.
    const shallow = { ...wire(1)[0]!, custom_properties: { text: '[[[[[[[[[[{{{{{{{{{{"\\"[[[[' } };
    expect((await fetch(`${collector.url}/api/events/bulk`, { method: 'POST', headers: siteHeaders, body: bulk([shallow]) })).status).toBe(200);
    const started = performance.now();
    const hostile = await fetch(`${collector.url}/api/events/bulk`, { method: 'POST', headers: siteHeaders, body: '['.repeat(1_000_000) });
    expect(hostile.status).toBe(400);
    expect(performance.now() - started).toBeLessThan(2000);
    expect((await fetch(`${collector.url}/__collector/faults`, { method: 'POST', body: `{"faults":${'['.repeat(20)}${']'.repeat(20)}}` })).status).toBe(400);
    expect(collector.events()).toHaveLength(1);
  });

  it('disconnects a client that sends its headers too slowly (408)', async () => {
    const collector = await start({ headersTimeoutMs: 200 });
    const { closed } = trickle(collector.port, `POST /api/events/bulk HTTP/1.1\r\nHost: 127.0.0.1:${collector.port}\r\nX-Trodo-Site-Id: s`);
    const { received, afterMs } = await closed;
    expect(received).toMatch(/^HTTP\/1\.1 408 /);
    expect(afterMs).toBeGreaterThanOrEqual(190);
    expect(afterMs).toBeLessThan(3000);
  });

  it('disconnects a client that trickles its body (408), takes nothing from it, and serves others meanwhile', async () => {
    const collector = await start({ bodyTimeoutMs: 300 });
    const body = bulk(wire(1));
    const { socket, closed } = trickle(
      collector.port,
      `POST /api/events/bulk HTTP/1.1\r\nHost: 127.0.0.1:${collector.port}\r\nX-Trodo-Site-Id: s\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 10)}`,
    );
    const drip = setInterval(() => socket.writable && socket.write(' '), 50);
    expect((await fetch(`${collector.url}/api/events/bulk`, { method: 'POST', headers: siteHeaders, body: bulk(wire(1)) })).status).toBe(200);
    const { received, afterMs } = await closed;
    clearInterval(drip);
    expect(received).toMatch(/^HTTP\/1\.1 408 /);
    expect(afterMs).toBeGreaterThanOrEqual(290);
    expect(afterMs).toBeLessThan(3000);
    expect(collector.events()).toHaveLength(1);
    expect(collector.requests().map((r) => r.status).sort()).toEqual([200, 408]);
  });
});
