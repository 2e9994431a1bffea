import { readFile } from 'node:fs/promises';
import type { Page } from '@playwright/test';
import { startCollector } from '../../lib/collector/server';
import { loadPlanText } from '../../lib/plan/load';
import type { Violation } from '../../lib/plan/types';
import { expect, exportJson, received, test } from './fixtures';

const PLAN_PATH = new URL('./site/plan/acme.json', import.meta.url);

/** What the fixture shop does in this test: good and bad checkouts, a sign-up click, an unplanned event. */
async function shop(page: Page, siteUrl: string) {
  await page.goto(`${siteUrl}/index.html`);
  await page.getByRole('button', { name: 'Sign up' }).click();
  await page.evaluate(() => {
    const trodo = window.Trodo!;
    trodo.track('checkout_completed', { amount_cents: 1299, currency: 'usd' }, { category: 'billing' });
    trodo.track('checkout_completed', { amount_cents: 500, currency: 'eur', coupon: 'SPRING24' }, { category: 'billing' });
    trodo.track('checkout_completed', { amount_cents: -5, currency: 'gbp' }, { category: 'billing' });
    trodo.track('promo_clicked', { slot: 'hero' });
  });
}

async function loadPlanOnOptions(options: Page, extensionId: string, url: string) {
  await options.goto(`chrome-extension://${extensionId}/options.html`);
  await options.getByTestId('plan-url').fill(url);
  await options.getByTestId('plan-load-url').click();
  await expect(options.getByTestId('plan-current')).toContainText('Acme web v3 · 4 events');
}

test('a plan loaded on the options page: the Plan tab shows the exact coverage and violations, the report what the page did, the collector the same violations', async ({ extension, sitePage, site }, testInfo) => {
  // A collector checking against the same plan, as a QA run would use it.
  const plan = loadPlanText(await readFile(PLAN_PATH, 'utf8'));
  if (!plan.ok) throw new Error(plan.error);
  const collector = await startCollector({ plan: plan.plan });
  try {
    await extension.configure({ apiHost: collector.url });
    const options = await extension.context.newPage();
    await loadPlanOnOptions(options, extension.id, `${site.url}/plan/acme.json`);

    // A bad plan is refused with where it is wrong, and the plan in force stays.
    await options.getByTestId('plan-text').fill('{\n  "name": "Acme web",\n  "version": "4"\n  "events": {}\n}');
    await options.getByTestId('plan-load-text').click();
    await expect(options.getByTestId('plan-error')).toHaveText("The plan is not JSON: line 4, column 3: expected ',' or '}', found '\"'.");
    await options.getByTestId('plan-text').fill('{ "name": "Acme web", "version": "4", "events": { "a": { "source": "web" } } }');
    await options.getByTestId('plan-load-text').click();
    await expect(options.getByTestId('plan-error')).toHaveText('The plan is not valid at $.events.a.source: expected one of "browser", "server", "any", got "web".');
    await expect(options.getByTestId('plan-current')).toContainText('Acme web v3');

    await shop(sitePage, site.url);
    // Everything the page did reached the collector: 4 tracked, the sign-up, the page view.
    await received(collector, 6, (e) => ['checkout_completed', 'promo_clicked', 'signup_completed', 'page_view'].includes(e.event.event_name));

    const popup = await extension.openPopup(sitePage);
    await expect(popup.getByTestId('plan-name')).toHaveText('Plan: Acme web v3');
    await popup.getByTestId('view-plan').click();
    await expect(popup.getByTestId('plan-summary')).toHaveText('3 of 4 planned events seen, 1 with violations, 1 unplanned seen');
    const row = (name: string) => popup.locator(`[data-testid="plan-row"][data-name="${name}"]`);
    await expect(row('checkout_completed')).toHaveAttribute('data-seen-tab', '3');
    await expect(row('checkout_completed')).toHaveAttribute('data-seen-all', '3');
    await expect(row('checkout_completed')).toHaveAttribute('data-violations', '1');
    await expect(row('signup_completed')).toHaveAttribute('data-seen-all', '1');
    await expect(row('signup_completed')).toHaveAttribute('data-violations', '0');
    await expect(row('page_view')).toHaveAttribute('data-seen-all', '1');
    await expect(row('page_view')).toHaveAttribute('data-violations', '0');
    await expect(row('invoice_paid')).toHaveAttribute('data-seen-all', '0');
    await expect(popup.getByTestId('plan-not-seen')).toHaveText('invoice_paid');
    await expect(popup.getByTestId('plan-unplanned').locator('li')).toHaveText(['promo_clicked × 1']);
    const violations = popup.getByTestId('plan-violations').locator('li');
    await expect(violations).toHaveCount(3);
    await expect(violations.nth(0)).toHaveText('checkout_completed out of range at $.properties.amount_cents: expected ≥ 0, got -5 × 1');
    await expect(violations.nth(1)).toHaveText('checkout_completed not in enum at $.properties.currency: expected one of "usd", "eur", got "gbp" × 1');
    await expect(violations.nth(2)).toHaveText('promo_clicked unplanned event: the plan does not name "promo_clicked" × 1');
    await popup.screenshot({ path: testInfo.outputPath('plan-tab.png') });
    // UPDATE_SCREENSHOTS=1 also writes the README's screenshot.
    if (process.env.UPDATE_SCREENSHOTS) await popup.screenshot({ path: 'test/e2e/screenshots/plan-tab.png' });

    // The report: Markdown for a ticket, JSON for tools, both from what the page did.
    const download = async (testId: string) => {
      const [file] = await Promise.all([popup.waitForEvent('download'), popup.getByTestId(testId).click()]);
      return readFile((await file.path())!, 'utf8');
    };
    const markdown = await download('report-md');
    expect(markdown).toContain('# QA report: Acme web v3');
    expect(markdown).toContain('- Coverage: 3 of 4 planned events seen, 1 with violations');
    expect(markdown).toContain('| checkout_completed | 3 |');
    expect(markdown).toContain('"amount_cents": -5');
    const report = JSON.parse(await download('report-json'));
    expect(report.plan).toMatchObject({ name: 'Acme web', version: '3', source: `${site.url}/plan/acme.json` });
    expect(report.browser).toContain('Chrome/');
    expect(report.extensionVersion).toMatch(/^\d+\.\d+\.\d+$/);
    expect(report.violations.map((v: { event: string; kind: string }) => `${v.event} ${v.kind}`)).toEqual([
      'checkout_completed out_of_range',
      'checkout_completed not_in_enum',
      'promo_clicked unplanned_event',
    ]);
    expect(report.violations[0].example.custom_properties).toEqual({ amount_cents: -5, currency: 'gbp' });

    // The events list: a badge on each breaking row, violations first in the detail, and the filter.
    await popup.getByTestId('view-events').click();
    await expect(popup.getByTestId('violation-badge')).toHaveCount(2);
    await popup.getByTestId('violations-only').check();
    await expect(popup.getByTestId('event-row')).toHaveCount(2);
    await popup.locator('[data-testid="event-row"]', { hasText: 'checkout_completed' }).click();
    const detail = popup.getByTestId('event-detail');
    await expect(detail.locator('h3').first()).toHaveText('Tracking plan: 2 violations');
    await expect(detail.getByTestId('detail-violations').locator('li')).toHaveCount(2);

    // The collector, checking with the same module and the same plan, found the same.
    const exported = await exportJson(popup);
    const fromViewer = exported
      .filter((r) => (r.delivery as { plan?: { violations: Violation[] } }).plan?.violations.length)
      .map((r) => ({ event_id: r.event.event_id, violations: (r.delivery as { plan: { violations: Violation[] } }).plan.violations }))
      .sort((a, b) => (a.event_id < b.event_id ? -1 : 1));
    const fromCollector = ((await (await fetch(`${collector.url}/__collector/violations`)).json()) as { events: { event_id: string; violations: Violation[] }[] }).events
      .map(({ event_id, violations }) => ({ event_id, violations }))
      .sort((a, b) => (a.event_id < b.event_id ? -1 : 1));
    expect(fromViewer).toHaveLength(2);
    expect(fromCollector).toEqual(fromViewer);
  } finally {
    await collector.close();
  }
});

test('changing the plan re-checks the history in view; removing it clears the checks', async ({ collector, extension, sitePage, site }) => {
  const options = await extension.context.newPage();
  await loadPlanOnOptions(options, extension.id, `${site.url}/plan/acme.json`);
  await shop(sitePage, site.url);
  await received(collector, 4, (e) => ['checkout_completed', 'promo_clicked'].includes(e.event.event_name));
  const popup = await extension.openPopup(sitePage);
  await expect(popup.getByTestId('violation-badge')).toHaveCount(2);

  // Version 4 allows unplanned events and any currency: only the negative amount is left.
  const plan = JSON.parse(await readFile(PLAN_PATH, 'utf8'));
  plan.version = '4';
  plan.allowUnplanned = true;
  plan.events.checkout_completed.properties.currency = { type: 'string' };
  await options.getByTestId('plan-text').fill(JSON.stringify(plan));
  await options.getByTestId('plan-load-text').click();
  await expect(options.getByTestId('plan-current')).toContainText('Acme web v4');
  await expect(popup.getByTestId('plan-name')).toHaveText('Plan: Acme web v4');
  await expect(popup.getByTestId('violation-badge')).toHaveCount(1);
  await expect(popup.getByTestId('violation-badge')).toHaveText('✗ 1');

  await options.getByTestId('plan-remove').click();
  await expect(options.getByTestId('plan-current')).toContainText('No plan');
  await expect(popup.getByTestId('plan-name')).toHaveText('No plan');
  await expect(popup.getByTestId('violation-badge')).toHaveCount(0);
  await expect(popup.getByTestId('event-row').first()).toBeVisible();
});
