import { readFile } from 'node:fs/promises';
import { expect, received, test } from './fixtures';

// Counts below are exact, so auto-events (page views…) stay off.
test.beforeEach(async ({ extension }) => {
  await extension.configure({ autoEvents: false });
});

const EVENTS = 3000;
const NAMES = 5;

test('the popup pages through a large history: a window of rows, the end on scroll, a name filter with its count', async ({ collector, extension, sitePage, site }) => {
  await sitePage.goto(`${site.url}/index.html`);
  await sitePage.evaluate(
    async ([count, names]) => {
      for (let i = 0; i < count; i += 500) {
        for (let j = i; j < Math.min(count, i + 500); j++) window.Trodo!.track(`paging_step_${j % names}`, { n: j });
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    [EVENTS, NAMES] as const,
  );
  await received(collector, EVENTS, (e) => e.event.event_name.startsWith('paging_step_'), 60_000);

  const popup = await extension.openPopup(sitePage);
  const list = popup.getByTestId('event-list');
  // Every event of the tab is in the list's count (with the session's record and session_start)…
  await expect(list).toHaveAttribute('data-count', String(EVENTS + 2));
  await expect(popup.getByTestId('view-events')).toHaveText(`Events (${EVENTS + 2})`);
  // …but only a screenful of rows is drawn, newest first.
  await expect(popup.getByTestId('event-row').first()).toContainText(`paging_step_${(EVENTS - 1) % NAMES}`);
  expect(await popup.getByTestId('event-row').count()).toBeLessThan(60);

  // Scrolled to the end: the oldest rows arrive from the worker (the session's records, then event 0).
  await list.evaluate((el) => (el.scrollTop = el.scrollHeight));
  const last = popup.locator(`#row-${EVENTS + 1} [data-testid="event-row"]`);
  await expect(last).toBeVisible();
  await popup.locator(`#row-${EVENTS - 1} [data-testid="event-row"]`).click();
  expect(JSON.parse((await popup.getByTestId('detail-json').textContent())!)).toMatchObject({ event_name: 'paging_step_0', custom_properties: { n: 0 } });
  await popup.keyboard.press('Escape');

  // The Event filter lists each name with its count, and keeps exactly that many rows.
  const option = popup.locator('[data-testid="filter-name"] option[value="paging_step_3"]');
  await expect(option).toHaveText(`paging_step_3 (${EVENTS / NAMES})`);
  await popup.getByTestId('filter-name').selectOption('paging_step_3');
  await expect(list).toHaveAttribute('data-count', String(EVENTS / NAMES));
  // A new filter starts at the newest of its events.
  await expect(popup.getByTestId('event-row').first()).toContainText('paging_step_3');
  await popup.getByTestId('event-row').first().click();
  expect(JSON.parse((await popup.getByTestId('detail-json').textContent())!).custom_properties).toEqual({ n: EVENTS - 2 });

  // Export is the whole view, read from the worker, not the window on screen.
  await popup.getByTestId('more').click();
  const [download] = await Promise.all([popup.waitForEvent('download'), popup.getByTestId('export-ndjson').click()]);
  const lines = (await readFile((await download.path())!, 'utf8')).trim().split('\n');
  expect(lines).toHaveLength(EVENTS / NAMES);
  expect(new Set(lines.map((l) => JSON.parse(l).event.custom_properties.n)).size).toBe(EVENTS / NAMES);
});
