import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { startSiteServer } from '../../lib/demo/site-server';
import { createTrodo, type TrodoClient } from '../../lib/node/index';
import { expect, received, test } from './fixtures';

/**
 * One timeline: a page calls its own backend with Trodo.getPropagationHeaders(); the backend
 * tracks with the Node SDK's forRequest; the event reaches the popup through the collector's
 * stream, beside the page's own events. Everything is real: Chromium with the built extension,
 * the fixture site and its backend on 127.0.0.1, the collector, the Node SDK.
 */

/** The fixture site with a backend: POST /api/checkout tracks checkout_completed for the request's browser session. */
async function shopWithBackend(trodo: TrodoClient) {
  return startSiteServer(fileURLToPath(new URL('./site', import.meta.url)), 0, {
    'POST /api/checkout': async (req, res) => {
      const user = trodo.forRequest(req);
      const result = user.error ? null : await user.track('checkout_completed', { amount_cents: 2900 }, { category: 'billing' });
      res.writeHead(user.error ? 400 : 200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ error: user.error, tracked: result?.success ?? false }));
    },
  });
}

/** In the page: its backend's checkout, with the propagation headers (or the ones given). */
const checkout = (page: Page, headers?: Record<string, string>) =>
  page.evaluate(async (given) => {
    const T = (window as unknown as { Trodo: { ready(): Promise<void>; getPropagationHeaders(): Record<string, string> } }).Trodo;
    await T.ready();
    const answer = await fetch('/api/checkout', { method: 'POST', headers: given ?? T.getPropagationHeaders() });
    return { status: answer.status, ...((await answer.json()) as { error: string | null; tracked: boolean }) };
  }, headers);

const track = (page: Page, name: string) => page.evaluate((n) => (window as unknown as { Trodo: { track(n: string): void } }).Trodo.track(n), name);

test('a backend event joins the tab: server badge within 2 s, in time order, under "this tab", with the identified id after identify', async ({ collector, extension, sitePage }) => {
  const trodo = createTrodo({ siteId: 'e2e-site', apiHost: collector.url });
  const shop = await shopWithBackend(trodo);
  try {
    await sitePage.goto(`${shop.url}/index.html`);
    const popup = await extension.openPopup(sitePage);
    await expect(popup.getByTestId('server-feed')).toHaveAttribute('data-state', 'live');
    const rows = popup.getByTestId('event-row');

    await track(sitePage, 'checkout_started');
    await expect(rows.filter({ hasText: 'checkout_started' })).toBeVisible();
    const answer = await checkout(sitePage);
    const tracked = Date.now();
    expect(answer).toEqual({ status: 200, error: null, tracked: true });
    const serverRow = rows.filter({ hasText: 'checkout_completed' });
    await expect(serverRow.getByTestId('server-badge')).toBeVisible({ timeout: 2000 });
    const latency = Date.now() - tracked;
    expect(latency).toBeLessThan(2000);
    await track(sitePage, 'checkout_confirmed');

    // Newest first: the page's event after it, the server's, the page's event before it.
    await expect(rows.filter({ hasText: /checkout_/ })).toHaveCount(3);
    const names = await rows.filter({ hasText: /checkout_/ }).evaluateAll((els) => els.map((el) => el.querySelector('.name')!.firstChild!.textContent));
    expect(names).toEqual(['checkout_confirmed', 'checkout_completed', 'checkout_started']);
    await expect(serverRow.getByTestId('event-status')).toContainText('received by the collector · Node SDK');

    // It is "this tab"'s (the filter is on by default): joined by the tab's session.
    await expect(popup.getByTestId('current-tab')).toBeChecked();
    const [page] = (await received(collector, 1, (e) => e.event.event_name === 'checkout_started')).map((e) => e.event);
    const [server] = (await received(collector, 1, (e) => e.event.event_name === 'checkout_completed'));
    expect(server!.sender).toBe('node-sdk');
    expect(server!.event).toMatchObject({ session_id: page!.session_id });

    // Before identify, the page's anonymous distinct id; after it, the identified one.
    const anonymous = await sitePage.evaluate(() => (window as unknown as { Trodo: { getSessionData(): { distinctId: string } } }).Trodo.getSessionData().distinctId);
    expect(anonymous).toMatch(/^anon_/);
    await sitePage.evaluate(() => (window as unknown as { Trodo: { identify(id: string): Promise<unknown> } }).Trodo.identify('bob@example.com'));
    expect(await checkout(sitePage)).toMatchObject({ status: 200, tracked: true });
    const identified = await received(collector, 2, (e) => e.event.event_name === 'checkout_completed');
    expect(identified.map((e) => e.event.user_id)).toEqual([anonymous, 'id_bob@example.com']);
    await expect(rows.filter({ hasText: 'checkout_completed' })).toHaveCount(2);
    // UPDATE_SCREENSHOTS=1 writes the README's screenshot of server events in the timeline.
    if (process.env.UPDATE_SCREENSHOTS) await popup.screenshot({ path: 'test/e2e/screenshots/popup-server-events.png' });
    await serverRow.first().click();
    await expect(popup.getByTestId('detail-life')).toContainText('Received by the collector');
    await popup.keyboard.press('Escape');

    // The source filter, and the Identity panel lists both.
    await popup.getByTestId('filter-source').selectOption('server');
    await expect(rows).toHaveCount(2);
    await popup.getByTestId('filter-source').selectOption('browser');
    await expect(rows.getByTestId('server-badge')).toHaveCount(0);
    await popup.getByTestId('view-identity').click();
    await expect(popup.getByTestId('identity-server').locator('li')).toHaveCount(2);
    await expect(popup.getByTestId('identity-server')).toContainText('id_bob@example.com');
  } finally {
    await trodo.shutdown({ timeoutMs: 1000 });
    await shop.close();
  }
});

test('forged and oversized propagation headers are refused by forRequest with a clear error, and nothing is tracked', async ({ collector, extension, sitePage }) => {
  const trodo = createTrodo({ siteId: 'e2e-site', apiHost: collector.url });
  const shop = await shopWithBackend(trodo);
  try {
    await sitePage.goto(`${shop.url}/index.html`);
    await extension.openPopup(sitePage);
    const good = await sitePage.evaluate(async () => {
      const T = (window as unknown as { Trodo: { ready(): Promise<void>; getPropagationHeaders(): Record<string, string> } }).Trodo;
      await T.ready();
      return T.getPropagationHeaders();
    });
    expect(await checkout(sitePage, { ...good, 'X-Trodo-Session-Id': 'forged-session' })).toEqual({ status: 400, tracked: false, error: 'X-Trodo-Session-Id is not a session id (a UUID): refused' });
    expect(await checkout(sitePage, { ...good, 'X-Trodo-Distinct-Id': 'x'.repeat(5000) })).toEqual({ status: 400, tracked: false, error: 'X-Trodo-Distinct-Id is 5000 characters, over 1024: refused' });
    expect(await checkout(sitePage, { ...good, 'X-Trodo-Distinct-Id': 'admin%0D%0AX-Evil:%201' })).toMatchObject({ status: 400, error: 'X-Trodo-Distinct-Id holds control characters: refused' });
    expect(await checkout(sitePage, {})).toMatchObject({ status: 400, error: expect.stringContaining('no X-Trodo-Session-Id header') });
    // The good headers still work, and only that one event reached the collector.
    expect(await checkout(sitePage, good)).toMatchObject({ status: 200, tracked: true });
    expect(collector.events().filter((e) => e.sender === 'node-sdk').map((e) => e.event.event_name)).toEqual(['checkout_completed']);
  } finally {
    await trodo.shutdown({ timeoutMs: 1000 });
    await shop.close();
  }
});

test('with the collector stopped, the viewer says server events are not available and the page\'s events are still captured', async ({ collector, extension, sitePage, site }) => {
  await sitePage.goto(`${site.url}/index.html`);
  const popup = await extension.openPopup(sitePage);
  await expect(popup.getByTestId('server-feed')).toHaveAttribute('data-state', 'live');
  await collector.close();
  await expect(popup.getByTestId('server-feed')).toHaveAttribute('data-state', 'unavailable');
  await expect(popup.getByTestId('server-feed')).toContainText('Server events not available: the collector');
  await track(sitePage, 'while_collector_down');
  const row = popup.getByTestId('event-row').filter({ hasText: 'while_collector_down' });
  await expect(row).toBeVisible();
  await expect(row).toHaveAttribute('data-status', /queued|retrying/);
  await expect(popup.getByTestId('server-badge')).toHaveCount(0);
});

test('the ingestion host is not a local collector: the viewer says server events are not available', async ({ extension, sitePage, site }) => {
  await extension.configure({ apiHost: 'https://sdkapi.trodo.ai' });
  await sitePage.goto(`${site.url}/index.html`);
  const popup = await extension.openPopup(sitePage);
  await expect(popup.getByTestId('server-feed')).toHaveAttribute('data-state', 'off');
  await expect(popup.getByTestId('server-feed')).toHaveText('Server events not available: the ingestion host https://sdkapi.trodo.ai is not a local collector');
});

test('the worker stopped while the backend tracks: at its next start it resumes the stream, and each server event shows once', async ({ collector, extension, sitePage, site }) => {
  const trodo = createTrodo({ siteId: 'e2e-site', apiHost: collector.url });
  try {
    await sitePage.goto(`${site.url}/index.html`);
    let popup = await extension.openPopup(sitePage);
    await popup.getByTestId('current-tab').uncheck();
    for (let i = 0; i < 3; i++) await trodo.track('backend-user', `before_stop_${i}`);
    await expect(popup.getByTestId('server-badge')).toHaveCount(3);
    await popup.close();
    await extension.stopWorker();
    for (let i = 0; i < 5; i++) await trodo.track('backend-user', `while_stopped_${i}`);
    // Opening the popup wakes the worker; it reads on from the last stream id it committed.
    popup = await extension.openPopup(sitePage);
    await popup.getByTestId('current-tab').uncheck();
    await expect(popup.getByTestId('server-badge')).toHaveCount(8);
    const names = await popup.getByTestId('event-row').filter({ has: popup.getByTestId('server-badge') }).evaluateAll((els) => els.map((el) => el.querySelector('.name')!.firstChild!.textContent));
    expect(names).toEqual([4, 3, 2, 1, 0].map((i) => `while_stopped_${i}`).concat([2, 1, 0].map((i) => `before_stop_${i}`)));

    // Stopped again with the popup open: its port reconnects, which wakes the worker, and the stream resumes.
    await extension.stopWorker();
    for (let i = 0; i < 2; i++) await trodo.track('backend-user', `popup_open_${i}`);
    await expect(popup.getByTestId('server-badge')).toHaveCount(10);
    expect(extension.workerLife().stops).toBe(2);
  } finally {
    await trodo.shutdown({ timeoutMs: 1000 });
  }
});

// Stream-to-viewer latency: from the Node SDK's track() resolving (the collector has the
// event) to its row in the open popup. Printed, with the median of 20.
test('stream-to-viewer latency, median of 20', async ({ collector, extension, sitePage, site }, testInfo) => {
  const trodo = createTrodo({ siteId: 'e2e-site', apiHost: collector.url });
  try {
    await sitePage.goto(`${site.url}/index.html`);
    const popup = await extension.openPopup(sitePage);
    await expect(popup.getByTestId('server-feed')).toHaveAttribute('data-state', 'live');
    await popup.getByTestId('current-tab').uncheck(); // these server events belong to no tab
    const samples: number[] = [];
    for (let i = 0; i < 20; i++) {
      const result = await trodo.track('latency-user', `latency_${i}`);
      expect(result.success).toBe(true);
      const start = Date.now();
      await popup.getByTestId('event-row').filter({ hasText: `latency_${i}` }).waitFor({ timeout: 10_000 });
      samples.push(Date.now() - start);
    }
    const sorted = [...samples].sort((a, b) => a - b);
    const median = (sorted[9]! + sorted[10]!) / 2;
    testInfo.annotations.push({ type: 'stream-to-viewer latency', description: `median ${median} ms, min ${sorted[0]} ms, max ${sorted[19]} ms (20 events)` });
    console.log(`stream-to-viewer latency: median ${median} ms, min ${sorted[0]} ms, max ${sorted[19]} ms over 20 events: ${samples.join(', ')}`);
    expect(median).toBeLessThan(2000);
  } finally {
    await trodo.shutdown({ timeoutMs: 1000 });
  }
});
