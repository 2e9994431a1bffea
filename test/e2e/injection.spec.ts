import { expect, received, test } from './fixtures';

test('window.Trodo exists before the first page script, under a strict CSP', async ({ collector, extension, sitePage, site }) => {
  void extension;
  const response = await sitePage.goto(`${site.url}/strict.csp.html`);
  expect(response!.headers()['content-security-policy']).toBe("script-src 'self'");
  expect(await sitePage.evaluate(() => (window as unknown as { __trodoAtFirstScript: string }).__trodoAtFirstScript)).toBe('object');
  await sitePage.click('#signup');
  await received(collector, 1, (e) => e.event.event_name === 'signup_completed' && e.event.page_data.uri === '/strict.csp.html');
});

test('a page that assigns or declares Trodo itself keeps working and keeps our tracker', async ({ collector, extension, sitePage, site }) => {
  void extension;
  await sitePage.goto(`${site.url}/index.html`);
  await sitePage.addScriptTag({ content: '"use strict"; window.Trodo = { track() { throw new Error("page copy"); } };' }).catch(() => {});
  await sitePage.evaluate(() => window.Trodo!.track('still_ours'));
  await received(collector, 1, (e) => e.event.event_name === 'still_ours');
});
