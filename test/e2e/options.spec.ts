import { expect, received, test } from './fixtures';

test('the options page validates input with clear messages, and saved settings drive delivery', async ({ collector, extension, sitePage, site }, testInfo) => {
  const options = await extension.context.newPage();
  await options.goto(`chrome-extension://${extension.id}/options.html`);
  const host = options.locator('input[name="apiHost"]');
  await expect(host).toHaveValue(collector.url);

  await host.fill('ftp://nowhere');
  await options.locator('input[name="batchSize"]').fill('0');
  await options.getByTestId('save').click();
  await expect(options.getByRole('alert').first()).toContainText('http:// or https://');
  await expect(options.getByRole('alert').nth(1)).toContainText('whole number from 1 to 500');
  await options.screenshot({ path: testInfo.outputPath('options-errors.png'), fullPage: true });

  await options.locator('input[name="siteId"]').fill('');
  await expect(options.getByRole('alert').nth(1)).toContainText('No site id: events are captured and shown, but held');

  // Nothing was saved: delivery still goes to the collector as e2e-site.
  await host.fill(collector.url);
  await options.locator('input[name="batchSize"]').fill('2');
  await options.locator('input[name="siteId"]').fill('from-options');
  await options.locator('input[name="autoEvents"]').uncheck();
  await options.getByTestId('save').click();
  await expect(options.getByRole('status')).toHaveText('Saved.');

  await sitePage.goto(`${site.url}/index.html`);
  await sitePage.evaluate(() => {
    for (let i = 0; i < 4; i++) window.Trodo!.track('after_options', { i });
  });
  const events = await received(collector, 4, (e) => e.event.event_name === 'after_options');
  expect(events.every((e) => e.siteId === 'from-options')).toBe(true);
  const bulk = collector.requests().filter((r) => r.path === '/api/events/bulk');
  expect(bulk.every((r) => (r.events ?? 0) <= 2)).toBe(true);
  // Auto-capture is off: the only auto events are the session's own (session_start).
  expect(collector.events().filter((e) => e.event.event_type === 'auto').every((e) => e.event.event_category === 'session')).toBe(true);
  await options.screenshot({ path: testInfo.outputPath('options-saved.png'), fullPage: true });
});
