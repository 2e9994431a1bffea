import type { Collector, ReceivedEvent } from '../../lib/collector/server';
import { expect, received, test } from './fixtures';

type Wire = ReceivedEvent['event'] & { auto_event_data: Record<string, any>; element_data?: Record<string, any> };

/** Auto-events named `name` that reached the collector, waiting for at least `count`. */
async function auto(collector: Collector, name: string, count = 1, where: (e: Wire) => boolean = () => true) {
  const got = await received(collector, count, (e) => e.event.event_type === 'auto' && e.event.event_name === name && where(e.event as Wire));
  return got.map((e) => e.event as Wire);
}
const named = (collector: Collector, name: string) => collector.events().filter((e) => e.event.event_name === name).map((e) => e.event as Wire);
/** Every byte the collector was sent. */
const everything = (collector: Collector) => JSON.stringify(collector.requests().map((r) => r.body));

test('page_view: load once despite a replaceState during load, SPA path/hash changes, no query-only views, back/forward', async ({ collector, extension, sitePage, site }) => {
  void extension;
  await sitePage.goto(`${site.url}/auto/nav.html`);
  const [load] = await auto(collector, 'page_view');
  expect(load).toMatchObject({ event_category: 'navigation', auto_event_data: { navigation_type: 'load' } });
  expect(load!.page_data.current_url).toBe(`${site.url}/auto/nav.html?utm_source=test`);

  const results = await sitePage.evaluate(() => {
    const pushed = history.pushState({ n: 1 }, '', '/auto/next');
    history.pushState(null, '', '/auto/next?q=2'); // query only: same view
    history.replaceState(null, '', '/auto/next?q=3'); // query only
    history.replaceState(null, '', '/auto/next#tab'); // hash: a view
    let threw = '';
    try {
      history.pushState(null, '', 'https://other.test/');
    } catch (error) {
      threw = (error as Error).name;
    }
    return { pushed: pushed === undefined, threw };
  });
  // The originals' result and exceptions reach the page unchanged.
  expect(results).toEqual({ pushed: true, threw: 'SecurityError' });
  // A fragment navigation fires popstate and then hashchange; going back does too: one view each.
  await sitePage.evaluate(() => (location.hash = 'details'));
  await sitePage.goBack();
  await sitePage.evaluate(() => window.Trodo!.track('nav_marker'));
  await received(collector, 1, (e) => e.event.event_name === 'nav_marker');
  const views = named(collector, 'page_view').map((e) => `${e.auto_event_data.navigation_type} ${e.page_data.uri}`);
  expect(views).toEqual(['load /auto/nav.html', 'push /auto/next', 'replace /auto/next', 'pop /auto/next', 'pop /auto/next']);

  // Back/forward cache restore. A real one cannot happen here: Playwright launches
  // Chromium with --disable-back-forward-cache, and even without that flag (tried) the
  // fixture site's pages were not restored. So the browser's pageshow is played instead.
  await sitePage.evaluate(() => dispatchEvent(new PageTransitionEvent('pageshow', { persisted: true })));
  await sitePage.evaluate(() => dispatchEvent(new PageTransitionEvent('pageshow', { persisted: false }))); // an ordinary show: no view
  await sitePage.evaluate(() => window.Trodo!.track('bfcache_marker'));
  await received(collector, 1, (e) => e.event.event_name === 'bfcache_marker');
  expect(named(collector, 'page_view').slice(5).map((e) => `${e.auto_event_data.navigation_type} ${e.page_data.uri}`)).toEqual(['bfcache /auto/next']);
});

test('clicks, rage and dead clicks, scroll, element view, selection, copy, context menu, exit intent and media — privately', async ({ collector, extension, sitePage, site }) => {
  void extension;
  await sitePage.goto(`${site.url}/auto/interact.html`);
  await sitePage.click('#buy');
  const [click] = await auto(collector, 'element_click', 1, (e) => e.element_data?.element_id === 'buy');
  expect(click).toMatchObject({
    event_category: 'interaction',
    auto_event_data: { click_coordinates: { x: expect.any(Number), y: expect.any(Number) }, page_x: expect.any(Number) },
    element_data: {
      element_tag_name: 'button', element_class: 'btn primary', element_aria_label: 'Buy for [email]',
      element_text: 'Buy now, mail [email]', element_selector: 'button#buy',
      element_position: { x: expect.any(Number), y: expect.any(Number), width: expect.any(Number), height: expect.any(Number) },
    },
  });

  await sitePage.click('#docs', { modifiers: ['Control'] }).catch(() => {}); // new tab: this page stays
  for (let i = 0; i < 4; i++) await sitePage.click('#nothing', { delay: 0 });
  await sitePage.click('#plain');
  await sitePage.waitForTimeout(1100); // the next click changes the DOM, which would make this one live
  await sitePage.click('#grows');
  await sitePage.click('#private-button');
  await sitePage.click('#quote', { button: 'right' });

  // Select the sentence with a card and an SSN in it, copy it.
  await sitePage.evaluate(() => getSelection()!.selectAllChildren(document.getElementById('quote')!));
  await sitePage.keyboard.press('Control+C');
  await sitePage.waitForTimeout(700); // let that selection settle and be reported
  // A selection running into the opted-out region is not reported at all.
  await sitePage.evaluate(() => {
    const range = document.createRange();
    range.setStart(document.getElementById('quote')!, 0);
    range.setEndAfter(document.getElementById('private-button')!);
    getSelection()!.removeAllRanges();
    getSelection()!.addRange(range);
  });

  await sitePage.click('#play');
  await sitePage.waitForTimeout(300);
  await sitePage.click('#pause');

  await sitePage.mouse.move(200, 200);
  await sitePage.mouse.move(200, -20, { steps: 4 });
  await sitePage.evaluate(() => scrollTo(0, document.documentElement.scrollHeight));

  const [link] = await auto(collector, 'element_click', 1, (e) => e.element_data?.element_id === 'docs');
  expect(link!.element_data!.element_href).toBe(`${site.url}/auto/other.html?email=&page=`);
  const [rage] = await auto(collector, 'rage_click');
  expect(rage).toMatchObject({ auto_event_data: { click_count: 3 }, element_data: { element_id: 'nothing' } });
  const [dead] = await auto(collector, 'dead_click');
  expect(dead!.element_data!.element_id).toBe('plain');
  const [scroll] = await auto(collector, 'page_scroll', 1, (e) => e.auto_event_data.scroll_depth === 100);
  expect(scroll!.event_category).toBe('interaction');
  const [view] = await auto(collector, 'element_view');
  expect(view).toMatchObject({ event_category: 'visibility', auto_event_data: { view_id: 'pricing' }, element_data: { element_id: 'viewed' } });
  const [selection] = await auto(collector, 'text_selection');
  expect(selection!.auto_event_data.selected_text).toBe('Card [card] and SSN [ssn] are in this sentence.');
  const [copy] = await auto(collector, 'copy_action');
  expect(copy!.auto_event_data.text_length).toBeGreaterThan(10);
  const [menu] = await auto(collector, 'context_menu');
  expect(menu!.element_data!.element_text).toBe('Card [card] and SSN [ssn] are in this sentence.');
  const [exit] = await auto(collector, 'exit_intent');
  expect(exit!.event_category).toBe('other');
  const [play] = await auto(collector, 'media_play');
  expect(play).toMatchObject({ event_category: 'media', auto_event_data: { media_type: 'audio', media_duration: 2 } });
  await auto(collector, 'media_pause');

  // Interactive, changed the DOM, or opted out: none of those is a dead click.
  await sitePage.evaluate(() => window.Trodo!.track('interact_marker'));
  await received(collector, 1, (e) => e.event.event_name === 'interact_marker');
  expect(named(collector, 'dead_click').map((e) => e.element_data!.element_id)).toEqual(['plain']);
  expect(named(collector, 'page_scroll').length).toBeLessThanOrEqual(2);
  expect(named(collector, 'text_selection')).toHaveLength(1);
  const all = everything(collector);
  for (const secret of ['jo.buyer@example.com', 'link.person', '4111 1111', '123-45-6789', 'secret-inside-no-capture', 'private-button']) {
    expect(all).not.toContain(secret);
  }
});

test('forms: submit, validation error and abandoned carry field names only; no typed value, password or hidden field is ever sent', async ({ collector, extension, sitePage, site }) => {
  void extension;
  const password = 'hunter2-Very-Secret!';
  const email = 'typed.person@example.com';
  await sitePage.goto(`${site.url}/auto/forms.html`);
  await sitePage.fill('#signup [name=email]', email);
  await sitePage.fill('#signup [name=password]', password);
  await sitePage.fill('#signup [name=bio]', 'typed-bio-words');
  await sitePage.click('#notes');
  await sitePage.keyboard.type('typed-notes-words');
  await sitePage.click('#submit-signup');
  const [submit] = await auto(collector, 'form_submit');
  expect(submit).toMatchObject({
    event_category: 'form',
    auto_event_data: {
      form_id: 'signup', form_name: 'signup', form_method: 'post', form_action: `${site.url}/auto/other.html?ref=`,
      field_names: ['email', 'bio', 'plan'], field_count: 3,
    },
    element_data: { element_tag_name: 'form', element_id: 'signup' },
  });

  await sitePage.click('#submit-required');
  const [invalid] = await auto(collector, 'form_validation_error');
  expect(invalid!.auto_event_data).toEqual({ form_id: 'required-form', form_name: null, field_name: 'nickname', field_type: 'text', validation_reason: 'valueMissing' });

  await sitePage.fill('#survey [name=city]', 'typed-city-name');
  await sitePage.fill('#survey [name=secret]', password);
  await sitePage.goto(`${site.url}/auto/other.html`); // leaves the survey unsubmitted
  const [abandoned] = await auto(collector, 'form_abandoned');
  expect(abandoned!.auto_event_data).toMatchObject({ form_id: 'survey', filled_fields: ['city'], fields_filled_count: 1, total_fields_count: 2 });
  expect(named(collector, 'form_abandoned')).toHaveLength(1); // the submitted signup form is not abandoned

  const all = everything(collector);
  for (const secret of [password, email, 'typed-bio-words', 'typed-notes-words', 'typed-city-name', 'hidden-token-value', 'prefilled-bio-text', 'pro-plan-option', 'csrf']) {
    expect(all, `"${secret}" was sent`).not.toContain(secret);
  }
});

test('js_error and network_error are captured while the page keeps its own errors and results; page_performance once per load', async ({ collector, extension, site }) => {
  // Not `sitePage`: this page throws on purpose. It must see exactly its own errors.
  const page = await extension.context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(`${site.url}/auto/errors.html`);
  await page.evaluate(() => window.Trodo!.track('before_errors'));
  await page.click('#throw');
  await page.click('#reject');
  const results = await page.evaluate(() => (window as unknown as { __network: () => Promise<unknown> }).__network());
  expect(results).toEqual({ fetchStatus: 404, fetchText: 'not found', failure: 'TypeError', xhrStatus: 404, okStatus: 200 });

  const [thrown] = await auto(collector, 'js_error', 1, (e) => e.auto_event_data.error_type === 'javascript_error');
  expect(thrown).toMatchObject({
    event_category: 'error',
    auto_event_data: {
      error_class: 'Error', message: expect.stringContaining('boom for [email]'), source: `${site.url}/auto/errors.js`,
      line: 6, column: expect.any(Number), last_event_name: expect.any(String),
    },
  });
  expect(thrown!.auto_event_data.stack).toContain('errors.js');
  const [rejected] = await auto(collector, 'js_error', 1, (e) => e.auto_event_data.error_type === 'unhandled_promise_rejection');
  expect(rejected!.auto_event_data.message).toBe('rejected on purpose');

  const network = await auto(collector, 'network_error', 3);
  const byUrl = Object.fromEntries(network.map((e) => [e.auto_event_data.url, e.auto_event_data]));
  expect(byUrl[`${site.url}/auto/missing.json?token=`]).toMatchObject({ method: 'GET', status: 404, duration_ms: expect.any(Number) });
  expect(byUrl[`${site.url}/auto/missing-xhr.json?token=`]).toMatchObject({ method: 'GET', status: 404 });
  expect(byUrl['http://127.0.0.1:9/unreachable']).toMatchObject({ status: 0, status_text: 'TypeError' });
  expect(network.every((e) => e.event_category === 'error')).toBe(true);

  await page.goto(`${site.url}/auto/other.html`); // pagehide sends the performance report
  const [perf] = await auto(collector, 'page_performance', 1, (e) => e.page_data.uri === '/auto/errors.html');
  expect(perf).toMatchObject({ event_category: 'performance', auto_event_data: { ttfb: expect.any(Number), fcp: expect.any(Number), cls: expect.any(Number) } });
  expect(Object.keys(perf!.auto_event_data).sort()).toEqual(['cls', 'fcp', 'inp', 'lcp', 'ttfb']);

  // The page's own handlers saw its two errors; nothing of the tracker's was added.
  expect(pageErrors.every((m) => /boom|rejected/.test(m))).toBe(true);
  expect(pageErrors.length).toBe(2);
  expect(everything(collector)).not.toContain('sekret-token');
  expect(named(collector, 'page_performance').filter((e) => e.page_data.uri === '/auto/errors.html')).toHaveLength(1);
});

test('controls: init options, runtime switches, disabled paths and events, and the extension-wide switch', async ({ collector, extension, sitePage, site }) => {
  await sitePage.goto(`${site.url}/auto/controls.html`);
  const config = await sitePage.evaluate(() => window.Trodo!.getAutoEventsConfig());
  expect(config).toMatchObject({ enabled: true, disabledPaths: ['/auto/private'], disabledEvents: ['page_scroll'], currentPath: '/auto/controls.html', shouldTrack: true });
  expect(config.availableEvents).toEqual(await sitePage.evaluate(() => window.Trodo!.getAvailableAutoEvents()));
  expect(config.availableEvents).toEqual(expect.arrayContaining(['page_view', 'element_click', 'network_error', 'page_performance']));

  await sitePage.evaluate(() => window.Trodo!.disableAutoEvent('element_click'));
  await sitePage.click('#target'); // not recorded
  await sitePage.evaluate(() => {
    const T = window.Trodo!;
    T.enableAutoEvent('element_click');
    T.disableAutoEvents();
    history.pushState(null, '', '/auto/off'); // not recorded: all off
    T.enableAutoEvents();
    history.pushState(null, '', '/auto/private/area'); // not recorded: disabled path
    history.pushState(null, '', '/auto/public'); // recorded
    T.setAutoEventsDisabledPaths('/auto/**');
    history.pushState(null, '', '/auto/deep/x'); // not recorded: glob
    T.setAutoEventsDisabledPaths([]);
    T.setAutoEventsDisabledEvents(['page_view']);
    history.pushState(null, '', '/auto/again'); // not recorded: event disabled
    T.track('controls_marker');
  });
  await sitePage.click('#target'); // recorded
  await auto(collector, 'element_click');
  await received(collector, 1, (e) => e.event.event_name === 'controls_marker');
  expect(named(collector, 'element_click')).toHaveLength(1);
  expect(named(collector, 'page_view').map((e) => e.page_data.uri)).toEqual(['/auto/controls.html', '/auto/public']);

  // The extension-wide switch (options page): custom events still flow, auto-events stop.
  await extension.configure({ autoEvents: false });
  const switchedAt = Date.now();
  await sitePage.goto(`${site.url}/auto/controls.html`);
  await sitePage.click('#target');
  await sitePage.evaluate(() => window.Trodo!.track('after_switch_off'));
  await received(collector, 1, (e) => e.event.event_name === 'after_switch_off');
  expect(collector.events().filter((e) => e.event.event_type === 'auto' && Date.parse(e.event.timestamp) > switchedAt)).toEqual([]);
});
