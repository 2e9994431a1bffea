import { expect, received, test } from './fixtures';

// These tests count rows and requests in the popup; auto-events (page views…) would add
// rows of their own, so they run with the extension's auto-event switch off.
test.beforeEach(async ({ extension }) => {
  await extension.configure({ autoEvents: false });
});

test('the popup lists tracked events with their delivery status, live', async ({ collector, extension, sitePage, site }, testInfo) => {
  await sitePage.goto(`${site.url}/index.html`);
  const popup = await extension.openPopup();
  await expect(popup.getByTestId('empty')).toBeVisible();

  await sitePage.evaluate(() => {
    window.Trodo!.track('signup_completed', { plan: 'pro' });
    window.Trodo!.track('risk_flag_raised', { score: 0.82 }, { category: 'security' });
  });
  await received(collector, 2, (e) => e.event.event_type === 'custom');

  // Live: the popup was open before the events existed. The session's record and
  // session_start come first (4 rows in all).
  const rows = popup.getByTestId('event-row');
  await expect(rows).toHaveCount(4);
  await expect(rows.first()).toContainText('risk_flag_raised');
  await expect(rows.first()).toContainText('security');
  await expect(rows.nth(1)).toContainText('signup_completed');
  await expect(popup.getByTestId('event-status').first()).toHaveText('sent · HTTP 200');
  await expect(popup.getByTestId('count-sent')).toContainText('4');

  await rows.nth(1).click();
  const json = JSON.parse((await popup.getByTestId('detail-json').textContent())!);
  expect(json).toMatchObject({ event_name: 'signup_completed', custom_properties: { plan: 'pro' }, event_category: 'custom' });
  await popup.screenshot({ path: testInfo.outputPath('popup-sent.png') });
  await testInfo.attach('popup-sent', { path: testInfo.outputPath('popup-sent.png'), contentType: 'image/png' });
});

test('the popup shows a retrying event with the server’s answer, then its delivery', async ({ collector, extension, sitePage, site }, testInfo) => {
  void extension;
  collector.faults([{ status: 429, retryAfter: '3', times: 1 }]);
  await sitePage.goto(`${site.url}/index.html`);
  const popup = await extension.openPopup();
  await sitePage.evaluate(() => window.Trodo!.track('rate_limited_once'));

  const status = popup.getByTestId('event-status').first();
  await expect(status).toContainText('retrying · HTTP 429');
  await expect(status).toContainText(/next in [0-3]s/);
  await expect(popup.getByTestId('delivery-error')).toContainText('HTTP 429');
  await popup.screenshot({ path: testInfo.outputPath('popup-retrying.png') });

  await received(collector, 1, (e) => e.event.event_name === 'rate_limited_once');
  await expect(status).toHaveText('sent · HTTP 200 · 2 attempts');
  await expect(popup.getByTestId('delivery-error')).toHaveCount(0);
  const bulk = collector.requests().filter((r) => r.path === '/api/events/bulk');
  expect(bulk.map((r) => r.status)).toEqual([429, 200]);
  expect(bulk[1]!.at - bulk[0]!.at).toBeGreaterThanOrEqual(2900);
});

test('without a site id events are captured and held, and the popup says why', async ({ collector, extension, sitePage, site }, testInfo) => {
  await extension.configure({ siteId: '' });
  await sitePage.goto(`${site.url}/index.html`);
  await sitePage.evaluate(() => window.Trodo!.track('held_event'));
  const popup = await extension.openPopup();
  await expect(popup.getByTestId('held')).toContainText('No site id');
  await expect(popup.getByTestId('event-status').first()).toHaveText('held: no site id');
  await popup.screenshot({ path: testInfo.outputPath('popup-held.png') });
  expect(collector.requests()).toHaveLength(0);

  await extension.configure({ siteId: 'late-site' });
  const [got] = await received(collector, 1, (e) => e.event.event_name === 'held_event');
  expect(got!.siteId).toBe('late-site');
  await expect(popup.getByTestId('event-status').first()).toHaveText('sent · HTTP 200');
});

test('clear empties the list but keeps queued events, and capture off stops recording', async ({ collector, extension, sitePage, site }) => {
  // The collector refuses events, so before_clear is still queued when clear runs.
  await extension.configure({ maxBackoffMs: 1000 });
  collector.faults([{ status: 503, times: 100_000 }]);
  await sitePage.goto(`${site.url}/index.html`);
  await sitePage.evaluate(() => window.Trodo!.track('before_clear'));
  const carried = (r: { path: string; status: number; body: unknown }) =>
    r.path === '/api/events/bulk' && r.status === 503 && (r.body as { events: { event_name: string }[] }).events.some((e) => e.event_name === 'before_clear');
  await expect.poll(() => collector.requests().some(carried)).toBe(true);
  const popup = await extension.openPopup();
  await expect(popup.getByTestId('event-row')).toHaveCount(3); // with the session record and session_start
  await popup.getByTestId('more').click();
  await popup.getByTestId('clear').click();
  // The session record was sent and goes; the two events still waiting stay listed.
  await expect(popup.getByTestId('event-row')).toHaveCount(2);
  const row = popup.getByTestId('event-row').filter({ hasText: 'before_clear' });
  await expect(row).toHaveAttribute('data-status', /queued|retrying/);

  collector.faults([]);
  await received(collector, 1, (e) => e.event.event_name === 'before_clear');
  await expect(row).toHaveAttribute('data-status', 'sent');

  await extension.configure({ captureEnabled: false });
  await sitePage.reload();
  await sitePage.evaluate(() => window.Trodo!.track('while_off'));
  // Capture on again, a marker after it: had while_off been queued, it would go first
  // (one batch at a time, oldest first).
  await extension.configure({ captureEnabled: true });
  await sitePage.reload();
  await sitePage.evaluate(() => window.Trodo!.track('after_on'));
  await received(collector, 1, (e) => e.event.event_name === 'after_on');
  expect(collector.events().map((e) => e.event.event_name)).not.toContain('while_off');
});
