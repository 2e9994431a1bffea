import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { DISTINCT_HEADER, SESSION_HEADER, propagationHeaders } from '../../lib/propagation';
import type { RequestContext } from '../../lib/node/index';
import { setup } from './setup';

const SESSION = '5f0c3a52-7d1e-4c52-9a61-2f1d0b6c8e11';

/** A real backend: each request's forRequest context is handed to the test. */
async function backend(handle: (req: IncomingMessage) => Promise<void>) {
  const server = createServer((req, res) => void handle(req).then(() => res.end('ok')));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/checkout`;
  return { url, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('Node SDK: forRequest', () => {
  it('joins the browser session named by the propagation headers of a Node request, a Fetch Request and a plain header object', async () => {
    const { collector, client } = await setup();
    let context: RequestContext | null = null;
    const server = await backend(async (req) => {
      context = client.forRequest(req);
      await context.track('checkout_completed', { amount_cents: 2900 });
    });
    await fetch(server.url, { method: 'POST', headers: propagationHeaders(SESSION, 'id_bob@example.com') });
    await server.close();
    expect(context!.error).toBeNull();
    expect(context!.sessionId).toBe(SESSION);
    expect(collector.events().map((r) => [r.event.event_name, r.event.user_id, r.event.session_id])).toEqual([['checkout_completed', 'id_bob@example.com', SESSION]]);

    const fromFetch = client.forRequest(new Request('http://shop/', { headers: propagationHeaders(SESSION, 'anon_1_x') }));
    expect(fromFetch).toMatchObject({ distinctId: 'anon_1_x', sessionId: SESSION, error: null });
    expect(client.forRequest({ headers: { 'x-trodo-session-id': SESSION, 'x-trodo-distinct-id': 'u-7' } })).toMatchObject({ distinctId: 'u-7', error: null });
  });

  it('refuses missing, forged, repeated and oversized headers with a clear error; the context sends nothing', async () => {
    const { collector, client, errors } = await setup();
    const cases: [Record<string, string | string[]>, RegExp][] = [
      [{}, /no X-Trodo-Session-Id header/],
      [{ [SESSION_HEADER]: 'not-a-session', [DISTINCT_HEADER]: 'u' }, /X-Trodo-Session-Id is not a session id/],
      [{ [SESSION_HEADER]: SESSION, [DISTINCT_HEADER]: 'x'.repeat(2000) }, /X-Trodo-Distinct-Id is 2000 characters, over 1024/],
      [{ [SESSION_HEADER]: SESSION, [DISTINCT_HEADER]: 'x'.repeat(300) }, /1–255 characters/],
      [{ [SESSION_HEADER]: SESSION, [DISTINCT_HEADER]: 'admin%0Aevil' }, /control characters/],
      [{ [SESSION_HEADER]: SESSION, [DISTINCT_HEADER]: '%E0%A4%A' }, /not URI-encoded/],
      [{ [SESSION_HEADER]: SESSION, [DISTINCT_HEADER]: ['a', 'b'] }, /more than once/],
      [{ [SESSION_HEADER]: `${SESSION}, ${SESSION}`, [DISTINCT_HEADER]: 'a' }, /more than once/],
    ];
    for (const [headers, message] of cases) {
      const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
      const user = client.forRequest({ headers: lower });
      expect(user.error, JSON.stringify(headers).slice(0, 80)).toMatch(message);
      expect(await user.track('checkout_completed')).toEqual({ success: false, error: `forRequest: ${user.error}` });
      expect(await user.people.set({ plan: 'pro' })).toMatchObject({ success: false });
    }
    expect(client.forRequest(null as never).error).toMatch(/needs a request with headers/);
    expect(errors.filter((e) => e.kind === 'invalid').length).toBe(cases.length + 1);
    await client.flush();
    expect(collector.events()).toEqual([]);
    expect(collector.requests()).toEqual([]);
  });
});
