import { startCollector } from '../../lib/collector/server';
import { expect, received, test } from './fixtures';

test('the options page validates input with clear messages, and saved settings drive delivery', async ({ collector, extension, sitePage, site }, testInfo) => {
  const before = await extension.storedSettings();
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

  // Nothing was saved.
  expect(await extension.storedSettings()).toEqual(before);
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

test('each field says what is wrong with it, and nothing is saved until all are right', async ({ collector, extension }) => {
  const before = await extension.storedSettings();
  const options = await extension.context.newPage();
  await options.goto(`chrome-extension://${extension.id}/options.html`);
  await expect(options.locator('input[name="apiHost"]')).toHaveValue(collector.url);
  // [field, a wrong value, its message, a right value]
  const fields: [string, string, string, string][] = [
    ['input[name="apiHost"]', 'collector.example', 'Enter an http:// or https:// URL, e.g. https://sdkapi.trodo.ai', collector.url],
    ['input[name="siteId"]', 'x'.repeat(201), 'The site id is text of at most 200 characters', 'fixed-site'],
    ['input[name="batchSize"]', '501', 'Enter a whole number from 1 to 500', '20'],
    ['input[name="flushIntervalMs"]', '10', 'Enter a whole number from 50 to 600000', '200'],
    ['input[name="maxBackoffMs"]', '1500.5', 'Enter a whole number from 1000 to 3600000', '2000'],
    ['input[name="requestTimeoutMs"]', '100', 'Enter a whole number from 500 to 120000', '3000'],
    ['input[name="maxQueueEvents"]', '5', 'Enter a whole number from 10 to 100000', '500'],
    ['textarea[name="disabledSites"]', 'not a site', 'List at most 500 sites as http(s) origins, e.g. https://shop.example', 'https://shop.example'],
  ];
  for (const [input, wrong] of fields) await options.locator(input).fill(wrong);
  await options.getByTestId('save').click();
  // Each message sits in its own field, next to the input it is about.
  for (const [input, , message] of fields) await expect(options.locator('label.field').filter({ has: options.locator(input) }).getByRole('alert')).toHaveText(message);
  await expect(options.getByRole('alert')).toHaveCount(fields.length);
  await expect(options.getByRole('status')).toHaveCount(0);
  expect(await extension.storedSettings()).toEqual(before);

  // All but one fixed: still nothing saved.
  for (const [input, , , right] of fields.slice(0, -1)) await options.locator(input).fill(right);
  await options.getByTestId('save').click();
  await expect(options.getByRole('alert')).toHaveCount(1);
  expect(await extension.storedSettings()).toEqual(before);

  await options.locator(fields.at(-1)![0]).fill(fields.at(-1)![3]);
  await options.getByTestId('save').click();
  await expect(options.getByRole('status')).toHaveText('Saved.');
  await expect
    .poll(() => extension.storedSettings())
    .toMatchObject({ siteId: 'fixed-site', batchSize: 20, flushIntervalMs: 200, maxBackoffMs: 2000, requestTimeoutMs: 3000, maxQueueEvents: 500, disabledSites: ['https://shop.example'] });
});

test('a new ingestion host needs the browser’s permission: refused, nothing is saved; granted, events go there', async ({ collector, extension, sitePage, site }) => {
  const before = await extension.storedSettings();
  const options = await extension.context.newPage();
  // Headless Chromium cannot show the permission prompt (permissions.request never
  // settles), so the person's answer is played by replacing the prompt: the first request
  // is refused, later ones are passed to Chromium, which grants 127.0.0.1 (a host
  // permission the manifest already holds) without a prompt.
  await options.addInitScript(() => {
    type Request = (p: { origins: string[] }, done?: (granted: boolean) => void) => Promise<boolean>;
    const permissions = (globalThis as unknown as { chrome: { permissions: { request: Request } } }).chrome.permissions;
    const real = permissions.request.bind(permissions);
    const asked: string[][] = [];
    (globalThis as unknown as { __asked: string[][] }).__asked = asked;
    // Both forms: the webextension polyfill passes a callback.
    permissions.request = (p, done) => {
      asked.push(p.origins);
      const answer = asked.length === 1 ? Promise.resolve(false) : real(p);
      if (done) void answer.then(done);
      return answer;
    };
  });
  await options.goto(`chrome-extension://${extension.id}/options.html`);
  await expect(options.locator('input[name="apiHost"]')).toHaveValue(collector.url);

  await options.locator('input[name="apiHost"]').fill('https://ingest.example.test');
  await options.getByTestId('save').click();
  await expect(options.getByRole('alert').first()).toHaveText('Permission to send to https://ingest.example.test was not granted');
  expect(await options.evaluate(() => (window as unknown as { __asked: string[][] }).__asked)).toEqual([['https://ingest.example.test/*']]);
  await expect(options.getByRole('status')).toHaveCount(0);
  expect(await extension.storedSettings()).toEqual(before);

  const other = await startCollector();
  try {
    await options.locator('input[name="apiHost"]').fill(other.url);
    await options.getByTestId('save').click();
    await expect(options.getByRole('status')).toHaveText('Saved.');
    expect(await options.evaluate(() => (window as unknown as { __asked: string[][] }).__asked)).toEqual([['https://ingest.example.test/*'], [`${other.url}/*`]]);
    await expect.poll(() => extension.storedSettings()).toMatchObject({ apiHost: other.url });
    await sitePage.goto(`${site.url}/index.html`);
    await sitePage.evaluate(() => window.Trodo!.track('to_the_new_host'));
    await received(other, 1, (e) => e.event.event_name === 'to_the_new_host');
    expect(collector.events().some((e) => e.event.event_name === 'to_the_new_host')).toBe(false);
  } finally {
    await other.close();
  }
});
