import { fileURLToPath } from 'node:url';
import { startSiteServer } from '../../lib/demo/site-server';
import { expect, test } from '../../lib/testing/playwright';

// The project's own suite through the fixture users get (trodo-qa/playwright): the built
// extension, a collector per worker, and the matchers, against a real page.
let site: Awaited<ReturnType<typeof startSiteServer>>;
test.beforeAll(async () => void (site = await startSiteServer(fileURLToPath(new URL('./site', import.meta.url)))));
test.afterAll(async () => site.close());

test('checkout is tracked: a page code event, its absence twin, and an auto page_view', async ({ page, trodo }) => {
  await page.goto(`${site.url}/fixture/cart.html`);
  await page.getByRole('button', { name: 'Pay' }).click();
  await expect(trodo).toHaveTracked('checkout_completed', { amount_cents: 5800 });
  await expect(trodo).not.toHaveTracked('checkout_failed');
  await expect(trodo).toHaveTracked('page_view');
  const event = await trodo.waitForEvent('checkout_completed');
  expect(event).toMatchObject({ event_category: 'billing', custom_properties: { currency: 'usd' }, page_data: { uri: '/fixture/cart.html' } });
  expect((await trodo.events({ category: 'billing' })).map((e) => e.event_name)).toEqual(['checkout_completed']);
});

test('each test starts with an empty collector', async ({ page, trodo }) => {
  expect(await trodo.events({ event_name: 'checkout_completed' })).toEqual([]);
  await page.goto(`${site.url}/fixture/cart.html`);
  await expect(trodo).toHaveTracked('page_view');
  expect((await trodo.summary()).byEventName.checkout_completed).toBeUndefined();
});

test('a failing toHaveTracked names the closest event and the property that differs', async ({ page, trodo }) => {
  await page.goto(`${site.url}/fixture/cart.html`);
  await page.getByRole('button', { name: 'Pay' }).click();
  const failure = await expect(trodo).toHaveTracked('checkout_completed', { amount_cents: 9900, coupon: 'SPRING' }, { timeout: 1500 }).then(() => null, (e: Error) => e);
  expect(failure?.message).toContain('No matching "checkout_completed" event was received.');
  expect(failure?.message).toContain('custom_properties.amount_cents: expected 9900, received 5800');
  expect(failure?.message).toContain('custom_properties.coupon: expected "SPRING", missing');
  const unknown = await expect(trodo).toHaveTracked('refund_issued', undefined, { timeout: 500 }).then(() => null, (e: Error) => e);
  expect(unknown?.message).toContain('No "refund_issued" event at all.');
  expect(unknown?.message).toMatch(/Events received: .*checkout_completed ×1/);
});

test('not.toHaveTracked waits for the extension to send what it holds; times counts exactly', async ({ page, trodo }) => {
  await page.goto(`${site.url}/fixture/cart.html`);
  // Tracked and asserted at once: the event is still in the page or the worker's queue.
  await page.evaluate(() => window.Trodo!.track('coupon_applied', { code: 'A' }));
  const failure = await expect(trodo).not.toHaveTracked('coupon_applied').then(() => null, (e: Error) => e);
  expect(failure?.message).toContain('Expected no such event, but received 1');
  await page.evaluate(() => window.Trodo!.track('coupon_applied', { code: 'A' }));
  await expect(trodo).toHaveTracked('coupon_applied', { code: 'A' }, { times: 2 });
  const once = await expect(trodo).toHaveTracked('coupon_applied', undefined, { times: 1 }).then(() => null, (e: Error) => e);
  expect(once?.message).toContain('Expected 1 matching events, received 2');
  const status = await trodo.status();
  expect(status).toMatchObject({ queued: 0, retrying: 0, dropped: 0 });
  expect(status.sent).toBeGreaterThanOrEqual(3);
});

test('time from track() to a passing toHaveTracked (median of 20)', async ({ page, trodo }) => {
  await page.goto(`${site.url}/fixture/cart.html`);
  const times: number[] = [];
  for (let i = 0; i < 20; i++) {
    const trackedAt = await page.evaluate((n) => {
      window.Trodo!.track('latency_probe', { n });
      return Date.now();
    }, i);
    await expect(trodo).toHaveTracked('latency_probe', { n: i });
    times.push(Date.now() - trackedAt);
  }
  times.sort((a, b) => a - b);
  const median = (times[9]! + times[10]!) / 2;
  test.info().annotations.push({ type: 'track-to-toHaveTracked median ms', description: String(median) });
  console.log(`track() → passing toHaveTracked: median ${median} ms, min ${times[0]} ms, max ${times[19]} ms (n=20)`);
  expect(times).toHaveLength(20);
});

test.describe('toMatchPlan', () => {
  const plan = {
    name: 'Cart',
    version: '1',
    events: {
      checkout_completed: { category: 'billing', properties: { amount_cents: { type: 'integer', minimum: 0 }, currency: { enum: ['usd', 'eur'] } }, required: ['amount_cents'] },
      coupon_applied: { properties: { code: { type: 'string' } } },
    },
    allowUnplanned: false,
  };
  test.use({ trodoOptions: { plan } });

  test('passes when every event keeps to the plan, and requires what must be seen', async ({ page, trodo }) => {
    await page.goto(`${site.url}/fixture/cart.html`);
    await page.getByRole('button', { name: 'Pay' }).click();
    await expect(trodo).toHaveTracked('checkout_completed');
    await expect(trodo).toMatchPlan({ require: ['checkout_completed'] });
    const missing = await expect(trodo).toMatchPlan({ require: ['coupon_applied'] }).then(() => null, (e: Error) => e);
    expect(missing?.message).toContain('Required but not received: coupon_applied');
  });

  test('fails naming each violation, even for an event still in the extension’s queue', async ({ page, trodo }) => {
    await page.goto(`${site.url}/fixture/cart.html`);
    await page.evaluate(() => {
      window.Trodo!.track('checkout_completed', { amount_cents: -5, currency: 'gbp' }, { category: 'billing' });
      window.Trodo!.track('promo_clicked');
    });
    const failure = await expect(trodo).toMatchPlan().then(() => null, (e: Error) => e);
    expect(failure?.message).toContain('2 events broke the plan');
    expect(failure?.message).toContain('$.properties.amount_cents out_of_range');
    expect(failure?.message).toContain('$.properties.currency not_in_enum');
    expect(failure?.message).toMatch(/promo_clicked \(.+\)\n\s+\$\.name unplanned_event/);
  });
});
