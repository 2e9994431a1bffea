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
  // Each page script records that it ran to its end; one that threw would not (and the
  // sitePage fixture fails the test on the page error).
  await sitePage.addScriptTag({ content: '"use strict"; window.Trodo = { track() { throw new Error("page copy"); } }; window.__assigned = true;' });
  await sitePage.addScriptTag({ content: 'let Trodo = { mine: true }; window.__declared = Trodo.mine === true;' });
  const page = await sitePage.evaluate(() => {
    const w = window as unknown as { __assigned?: boolean; __declared?: boolean };
    // Indirect eval runs in the global scope, where the page's `let Trodo` lives.
    return { assigned: w.__assigned, declared: w.__declared, ownBinding: (0, eval)('Trodo.mine') as unknown, ours: typeof window.Trodo!.identify };
  });
  expect(page).toEqual({ assigned: true, declared: true, ownBinding: true, ours: 'function' });
  await sitePage.evaluate(() => window.Trodo!.track('still_ours'));
  await received(collector, 1, (e) => e.event.event_name === 'still_ours');
});
