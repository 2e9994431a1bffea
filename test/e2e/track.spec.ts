import { PLAIN_HTTP_HOST, expect, received, test } from './fixtures';

test('a track call from page code reaches the collector in Trodo’s shape, with the site id header', async ({ collector, extension, sitePage, site }) => {
  void extension;
  await sitePage.goto(`${site.url}/index.html`);
  await sitePage.click('#signup');

  const [got] = await received(collector, 1, (e) => e.event.event_name === 'signup_completed');
  expect(got!.siteId).toBe('e2e-site');
  expect(got!.event).toMatchObject({
    event_type: 'custom',
    event_name: 'signup_completed',
    event_category: 'custom',
    custom_properties: { plan: 'pro' },
    auto_event_data: {},
    page_data: {
      current_url: `${site.url}/index.html`,
      page_title: 'Fixture shop',
      uri: '/index.html',
      referrer: null,
      viewport_width: expect.any(Number),
      dpi: expect.any(Number),
    },
  });
  expect(got!.event.event_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  expect(Date.parse(got!.event.timestamp)).toBeGreaterThan(Date.now() - 60_000);
  expect(got!.event.session_id).toEqual(expect.any(String));
  expect(got!.event.user_id).toEqual(expect.any(String));

  const bulk = collector.requests().filter((r) => r.path === '/api/events/bulk');
  expect(bulk.every((r) => r.method === 'POST' && r.siteId === 'e2e-site')).toBe(true);
});

test('reserved property names are stripped; category defaults to "custom" and can be overridden', async ({ collector, extension, sitePage, site }) => {
  void extension;
  await sitePage.goto(`${site.url}/index.html`);
  await sitePage.evaluate(() => {
    window.Trodo!.track('checkout_started', { plan: 'pro', URL: 'https://evil.test', referrer: 'x', page_title: 't', timestamp: 1, seats: 3 });
    window.Trodo!.track('risk_flag_raised', { score: 0.82 }, { category: 'security' });
    window.Trodo!.track('order_backfilled', {}, { timestamp: '2026-01-02T03:04:05.000Z' });
  });

  const events = await received(collector, 3, (e) => e.event.event_type === 'custom');
  const byName = Object.fromEntries(events.map((e) => [e.event.event_name, e.event]));
  expect(byName.checkout_started!.custom_properties).toEqual({ plan: 'pro', seats: 3 });
  expect(byName.checkout_started!.page_data.current_url).toBe(`${site.url}/index.html`);
  expect(byName.checkout_started!.event_category).toBe('custom');
  expect(byName.risk_flag_raised!.event_category).toBe('security');
  expect(byName.order_backfilled!.timestamp).toBe('2026-01-02T03:04:05.000Z');
});

test('bad input is handled in the page without throwing, and nothing invalid is sent', async ({ collector, extension, sitePage, site }) => {
  void extension;
  const debug: string[] = [];
  sitePage.on('console', (m) => m.type() === 'debug' && debug.push(m.text()));
  await sitePage.goto(`${site.url}/index.html`);
  const threw = await sitePage.evaluate(() => {
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    try {
      const T = window.Trodo as unknown as { track: (...args: unknown[]) => unknown };
      T.track('');
      T.track(42);
      T.track('x'.repeat(256));
      T.track('weird_props', { cyclic, big: BigInt(10), fn: () => 1, nan: NaN, when: new Date(0) });
      T.track('after_bad_input');
      return false;
    } catch {
      return true;
    }
  });
  expect(threw).toBe(false);
  const events = await received(collector, 2, (e) => e.event.event_type === 'custom');
  expect(events.map((e) => e.event.event_name).sort()).toEqual(['after_bad_input', 'weird_props']);
  const weird = events.find((e) => e.event.event_name === 'weird_props')!.event;
  expect(weird.custom_properties).toEqual({ cyclic: { name: 'loop' }, big: '10', nan: null, when: '1970-01-01T00:00:00.000Z' });
  expect(debug.some((line) => line.includes('event name must not be empty'))).toBe(true);
  expect(debug.some((line) => line.includes('limit is 255'))).toBe(true);
});

test('on a plain-http site (not a secure context) the tracker starts and its events arrive with a session', async ({ collector, extension, sitePage, site }) => {
  void extension;
  const url = site.url.replace('127.0.0.1', PLAIN_HTTP_HOST);
  await sitePage.goto(`${url}/index.html`);
  // What the page sees: no crypto.randomUUID here, which the tracker must not need.
  expect(await sitePage.evaluate(() => [window.isSecureContext, typeof crypto.randomUUID])).toEqual([false, 'undefined']);
  expect(await sitePage.evaluate(() => window.Trodo!.ready().then(() => window.Trodo!.getSessionData().distinctId))).toMatch(/^anon_\d+_[0-9a-f-]{36}_/);
  await sitePage.click('#signup');

  const [got] = await received(collector, 1, (e) => e.event.event_name === 'signup_completed');
  expect(got!.event.page_data.current_url).toBe(`${url}/index.html`);
  expect(got!.event.session_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});
