import { readFile } from 'node:fs/promises';
import type { Page } from '@playwright/test';
import type { ReceivedEvent } from '../../lib/collector/server';
import { expect, received, test } from './fixtures';

// These tests count rows and events: page views and clicks from auto-capture would blur that.
test.beforeEach(async ({ extension }) => {
  await extension.configure({ autoEvents: false });
});

/** Events page code tracked (not the session's record or session_start). */
const custom = (e: ReceivedEvent) => e.event.event_type === 'custom';

/** A shop tab with a mix of events: good names, lint-worthy names, markup in a property. */
async function shopWithEvents(page: Page, siteUrl: string) {
  await page.goto(`${siteUrl}/index.html`);
  await page.evaluate(() => {
    const T = window.Trodo!;
    T.track('signup_completed', { plan: 'pro', source: 'pricing_page' });
    T.track('agentRunCompleted', { notes: 'x'.repeat(300), result: { ok: true } });
    T.track('click', { label: 'buy' });
    T.track('checkout_completed', { amount_cents: 9999, url: 'https://stripped.test' }, { category: 'billing' });
    T.track('profile_updated', { bio: '<img src=x onerror="window.__xss=1"><a href="javascript:window.__xss=2">me</a>' });
  });
}

test('filters, search and the detail view show exactly what was sent', async ({ collector, extension, sitePage, site }, testInfo) => {
  await shopWithEvents(sitePage, site.url);
  await received(collector, 5, custom);
  const popup = await extension.openPopup(sitePage);
  const rows = popup.getByTestId('event-row');
  // The five events, and the session's record and session_start that came with the first.
  await expect(rows).toHaveCount(7);
  await expect(popup.getByTestId('view-events')).toHaveText('Events (7)');

  await popup.getByTestId('search').fill('pricing_page');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('signup_completed');
  await popup.getByTestId('search').fill('^(click|signup)');
  await expect(popup.getByTestId('empty')).toBeVisible();
  await popup.getByTestId('regex').check();
  await expect(rows).toHaveCount(2);
  await popup.getByTestId('search').fill('(');
  await expect(popup.getByTestId('search')).toHaveAttribute('aria-invalid', 'true');
  await popup.getByTestId('search').fill('');
  await popup.getByTestId('filter-category').selectOption('billing');
  await expect(rows).toHaveCount(1);
  await rows.first().click();

  const detail = popup.getByTestId('event-detail');
  const sent = JSON.parse((await popup.getByTestId('detail-json').textContent())!);
  const atCollector = collector.events().find((e) => e.event.event_name === 'checkout_completed')!.event;
  expect(sent).toEqual(atCollector);
  await expect(popup.getByTestId('detail-notes')).toContainText('"url" is a reserved name');
  await expect(popup.getByTestId('detail-life')).toContainText('Sent');
  await expect(popup.getByTestId('detail-properties')).toContainText('amount_cents');
  await expect(detail).toBeVisible();
  await popup.keyboard.press('Escape');
  await expect(detail).toHaveCount(0);

  await popup.getByTestId('filter-category').selectOption('');
  await popup.getByTestId('filter-status').selectOption('sent');
  await expect(rows).toHaveCount(7);
  await popup.getByTestId('filter-status').selectOption('dropped');
  await expect(popup.getByTestId('empty')).toBeVisible();
  await popup.screenshot({ path: testInfo.outputPath('popup-filtered.png') });
});

test('lint flags agentRunCompleted and click, per event and per name', async ({ collector, extension, sitePage, site }) => {
  await shopWithEvents(sitePage, site.url);
  await received(collector, 5, custom);
  const popup = await extension.openPopup(sitePage);
  const row = (name: string) => popup.locator(`[data-testid="event-row"]`, { hasText: name });
  await expect(row('agentRunCompleted').getByTestId('lint-badge')).toBeVisible();
  await expect(row('click').getByTestId('lint-badge')).toBeVisible();
  await expect(row('signup_completed').getByTestId('lint-badge')).toHaveCount(0);

  await popup.getByTestId('view-lint').click();
  const lint = (name: string) => popup.locator(`[data-testid="lint-name"][data-name="${name}"]`);
  await expect(lint('agentRunCompleted').locator('[data-rule="snake-case"]')).toContainText('agent_run_completed');
  await expect(lint('agentRunCompleted').locator('[data-rule="free-form"]')).toBeVisible();
  await expect(lint('agentRunCompleted').locator('[data-rule="nested"]')).toBeVisible();
  await expect(lint('click').locator('[data-rule="generic-name"]')).toBeVisible();
  await expect(lint('signup_completed')).toContainText('✓');
});

test('markup and javascript: URLs in event data render as inert text', async ({ collector, extension, sitePage, site }) => {
  await shopWithEvents(sitePage, site.url);
  await received(collector, 5, custom);
  const popup = await extension.openPopup(sitePage);
  const dialogs: string[] = [];
  popup.on('dialog', (d) => void d.dismiss().then(() => dialogs.push(d.message())));
  await popup.locator('[data-testid="event-row"]', { hasText: 'profile_updated' }).click();
  await expect(popup.getByTestId('detail-properties')).toContainText('<img src=x onerror="window.__xss=1">');
  await expect(popup.getByTestId('detail-json')).toContainText('javascript:window.__xss=2');
  expect(await popup.locator('[data-testid="event-detail"] img, [data-testid="event-detail"] a').count()).toBe(0);
  await popup.waitForTimeout(300);
  expect(await popup.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
  expect(dialogs).toEqual([]);
});

test('export writes the filtered events as JSON and NDJSON', async ({ collector, extension, sitePage, site }) => {
  await shopWithEvents(sitePage, site.url);
  await received(collector, 5, custom);
  const popup = await extension.openPopup(sitePage);
  await popup.getByTestId('search').fill('_completed');
  await expect(popup.getByTestId('event-row')).toHaveCount(2);

  await popup.getByTestId('more').click();
  const [json] = await Promise.all([popup.waitForEvent('download'), popup.getByTestId('export-json').click()]);
  const exported = JSON.parse(await readFile((await json.path())!, 'utf8')) as { event: { event_name: string }; delivery: { status: string } }[];
  expect(json.suggestedFilename()).toMatch(/^trodo-events-.*\.json$/);
  expect(exported.map((e) => e.event.event_name).sort()).toEqual(['checkout_completed', 'signup_completed']);
  expect(exported.every((e) => e.delivery.status === 'sent')).toBe(true);
  const atCollector = collector.events().find((e) => e.event.event_name === 'signup_completed')!.event;
  expect(exported.find((e) => e.event.event_name === 'signup_completed')!.event).toEqual(atCollector);

  await popup.getByTestId('more').click();
  await popup.getByTestId('more').click();
  const [ndjson] = await Promise.all([popup.waitForEvent('download'), popup.getByTestId('export-ndjson').click()]);
  const lines = (await readFile((await ndjson.path())!, 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
  expect(lines).toHaveLength(2);
});

test('dropped and retried events show their status from a failing collector', async ({ collector, extension, sitePage, site }) => {
  await sitePage.goto(`${site.url}/index.html`);
  // The session's record and session_start go first, while the server is fine.
  await sitePage.evaluate(() => window.Trodo!.track('warm_up'));
  await received(collector, 1, (e) => e.event.event_name === 'warm_up');
  const popup = await extension.openPopup(sitePage);
  collector.faults([{ status: 400, body: { error: 'schema mismatch' } }]);
  await sitePage.evaluate(() => window.Trodo!.track('rejected_event'));
  const rejected = popup.locator('[data-testid="event-row"]', { hasText: 'rejected_event' });
  await expect(rejected).toHaveAttribute('data-status', 'dropped');
  await expect(rejected.getByTestId('event-status')).toHaveText('dropped · HTTP 400: schema mismatch: batch rejected');
  await expect(popup.getByTestId('count-dropped')).toContainText('1');

  collector.faults([{ status: 503, times: 1 }]);
  await sitePage.evaluate(() => window.Trodo!.track('retried_event'));
  const retried = popup.locator('[data-testid="event-row"]', { hasText: 'retried_event' });
  await expect(retried.getByTestId('event-status')).toHaveText('sent · HTTP 200 · 2 attempts', { timeout: 20_000 });
  await retried.click();
  await expect(popup.getByTestId('detail-life')).toContainText('attempt 2');
  expect(collector.events().map((e) => e.event.event_name).filter((n) => n !== 'session_start' && n !== 'warm_up')).toEqual(['retried_event']);
});

test('the popup follows its tab; the site switch and pause stop capture', async ({ collector, extension, sitePage, site }) => {
  await sitePage.goto(`${site.url}/index.html`);
  const other = await extension.context.newPage();
  await other.goto(`${site.url.replace('127.0.0.1', 'localhost')}/index.html`);
  await sitePage.evaluate(() => window.Trodo!.track('from_first_tab'));
  await other.evaluate(() => window.Trodo!.track('from_second_tab'));
  await received(collector, 2, custom);

  const popup = await extension.openPopup(sitePage);
  // Each tab: its event, and its session's record and session_start (two origins, two sessions).
  await expect(popup.getByTestId('event-row')).toHaveCount(3);
  await expect(popup.getByTestId('event-row').first()).toContainText('from_first_tab');
  await popup.getByTestId('current-tab').uncheck();
  await expect(popup.getByTestId('event-row')).toHaveCount(6);

  await popup.getByTestId('view-identity').click();
  const first = collector.events().find((e) => e.event.event_name === 'from_first_tab')!.event;
  await expect(popup.getByTestId('identity-device')).toHaveText(first.user_id);
  await expect(popup.getByTestId('identity-session')).toHaveText(first.session_id);
  await popup.getByTestId('view-events').click();

  // Site switch: capture off for the first tab's origin only.
  await popup.getByTestId('site-toggle').locator('input').uncheck();
  await sitePage.reload();
  await other.reload();
  await sitePage.evaluate(() => window.Trodo!.track('first_tab_while_off'));
  await other.evaluate(() => window.Trodo!.track('second_tab_still_on'));
  await received(collector, 3, custom);
  // The auto-events switch reaches pages on their next load.
  await popup.getByTestId('auto-toggle').locator('input').check();
  await other.reload();
  await received(collector, 1, (e) => e.event.event_name === 'page_view' && e.event.page_data.current_url.includes('localhost'));
  await popup.getByTestId('auto-toggle').locator('input').uncheck();

  await popup.getByTestId('pause').click();
  await expect(popup.getByTestId('paused')).toBeVisible();
  await other.reload();
  await other.evaluate(() => window.Trodo!.track('while_paused'));
  // Resumed, a marker: had while_paused been queued, it would have gone first (one batch
  // at a time, oldest first).
  await popup.getByTestId('pause').click();
  await expect(popup.getByTestId('paused')).toHaveCount(0);
  await other.reload();
  await other.evaluate(() => window.Trodo!.track('after_resume'));
  await received(collector, 1, (e) => e.event.event_name === 'after_resume');
  expect(collector.events().filter((e) => e.event.event_type === 'custom').map((e) => e.event.event_name).sort()).toEqual(['after_resume', 'from_first_tab', 'from_second_tab', 'second_tab_still_on']);
});

test('the identity panel shows the tab’s ids, groups and its identify, people and group calls with their status', async ({ collector, extension, sitePage, site }) => {
  await sitePage.goto(`${site.url}/index.html`);
  await sitePage.evaluate(async () => {
    const T = window.Trodo as unknown as {
      identify(id: string): Promise<unknown>;
      people: { set(p: object): Promise<unknown> };
      set_group(k: string, id: string): Promise<unknown>;
      track(n: string): Promise<void>;
    };
    await T.identify('user_42');
    await T.people.set({ plan: 'pro' });
    await T.set_group('company', 'acme');
    await T.track('dashboard_opened');
  });
  await received(collector, 1, (e) => e.event.event_name === 'dashboard_opened');
  await expect.poll(() => collector.requests().filter((r) => r.path.startsWith('/api/sdk/people') || r.path.startsWith('/api/sdk/groups')).length).toBe(2);
  const popup = await extension.openPopup(sitePage);
  await popup.getByTestId('view-identity').click();
  const opened = collector.events().find((e) => e.event.event_name === 'dashboard_opened')!.event;
  await expect(popup.getByTestId('identity-session')).toHaveText(opened.session_id);
  await expect(popup.getByTestId('identity-groups')).toContainText('company: acme');
  const calls = popup.getByTestId('identity-calls');
  await expect(calls).toContainText('identify');
  await expect(calls).toContainText('people.set');
  await expect(calls).toContainText('groups.set_group');
  await expect(calls.locator('li').filter({ hasText: 'people.set' })).toContainText('sent · HTTP 200');
  // Calls are named by the tracker, so lint leaves them alone.
  await popup.getByTestId('view-events').click();
  await expect(popup.locator('[data-testid="event-row"]', { hasText: 'people.set' }).getByTestId('lint-badge')).toHaveCount(0);
});

test('the toolbar badge counts the tab’s events', async ({ collector, extension, sitePage, site }) => {
  await sitePage.goto(`${site.url}/index.html`);
  await sitePage.evaluate(() => {
    for (let i = 0; i < 3; i++) window.Trodo!.track('badge_event', { i });
  });
  await received(collector, 3, custom);
  const worker = await extension.worker();
  const badge = () =>
    worker.evaluate(async (url) => {
      const c = (globalThis as unknown as { chrome: { tabs: { query(q: object): Promise<{ id: number }[]> }; action: { getBadgeText(d: object): Promise<string> } } }).chrome;
      const [tab] = await c.tabs.query({ url });
      return c.action.getBadgeText({ tabId: tab!.id });
    }, sitePage.url());
  // Three events, and the session's record and session_start.
  await expect.poll(badge).toBe('5');
});

// UPDATE_SCREENSHOTS=1 also writes the README's screenshots to test/e2e/screenshots/.
test('screenshots: popup and side panel, light and dark', async ({ collector, extension, sitePage, site }, testInfo) => {
  await shopWithEvents(sitePage, site.url);
  collector.faults([{ status: 503, times: 50 }]);
  await sitePage.evaluate(() => window.Trodo!.track('payment_failed', { reason: 'card_declined' }));
  await expect.poll(() => collector.requests().filter((r) => r.status === 503).length).toBeGreaterThan(0);
  for (const scheme of ['light', 'dark'] as const) {
    const popup = await extension.openPopup(sitePage);
    await popup.emulateMedia({ colorScheme: scheme });
    await popup.locator('[data-testid="event-row"]', { hasText: 'checkout_completed' }).click();
    await popup.screenshot({ path: testInfo.outputPath(`popup-${scheme}.png`) });
    if (process.env.UPDATE_SCREENSHOTS) await popup.screenshot({ path: `test/e2e/screenshots/popup-${scheme}.png` });
    const panel = await extension.openSidePanel(sitePage);
    await panel.emulateMedia({ colorScheme: scheme });
    await panel.locator('[data-testid="event-row"]', { hasText: 'agentRunCompleted' }).click();
    await panel.screenshot({ path: testInfo.outputPath(`sidepanel-${scheme}.png`) });
    if (process.env.UPDATE_SCREENSHOTS) await panel.screenshot({ path: `test/e2e/screenshots/sidepanel-${scheme}.png` });
    await popup.close();
    await panel.close();
  }
});
