import { describe, expect, it } from 'vitest';
import { AUTO_EVENT_NAMES } from '../../../lib/tracker/auto/catalog';
import { createAutoConfig } from '../../../lib/tracker/auto/config';

describe('auto-event config', () => {
  function setup(path = '/shop/cart') {
    let here = path;
    let allowed = true;
    const config = createAutoConfig(() => here, () => allowed);
    return { config, go: (p: string) => (here = p), allow: (a: boolean) => (allowed = a) };
  }

  it('tracks everything by default and reports the official config shape', () => {
    const { config } = setup();
    expect(config.shouldTrack('page_view')).toBe(true);
    expect(config.api.getAutoEventsConfig()).toEqual({
      enabled: true, disabledPaths: [], disabledEvents: [], availableEvents: AUTO_EVENT_NAMES, currentPath: '/shop/cart', shouldTrack: true,
    });
    expect(config.api.getAvailableAutoEvents()).toContain('network_error');
    expect(config.api.getAvailableAutoEvents()).not.toContain('session_start');
  });

  it('disables and enables single events, lists and everything', () => {
    const { config } = setup();
    config.api.disableAutoEvent('Page_Scroll ');
    config.api.disableAutoEvents(['text_selection', 'page_scroll']);
    expect(config.api.getAutoEventsConfig().disabledEvents).toEqual(['page_scroll', 'text_selection']);
    expect(config.shouldTrack('page_scroll')).toBe(false);
    expect(config.shouldTrack('page_view')).toBe(true);
    config.api.enableAutoEvent('page_scroll');
    expect(config.shouldTrack('page_scroll')).toBe(true);
    config.api.setAutoEventsDisabledEvents(['js_error']);
    expect(config.api.getAutoEventsConfig().disabledEvents).toEqual(['js_error']);
    config.api.disableAutoEvents();
    expect(config.shouldTrack('page_view')).toBe(false);
    config.api.enableAutoEvents();
    expect(config.shouldTrack('page_view')).toBe(true);
  });

  it('honours disabled paths (prefix or glob) against the current path', () => {
    const { config, go } = setup();
    config.api.setAutoEventsDisabledPaths(['/admin', '/shop/*/edit']);
    expect(config.shouldTrack('page_view')).toBe(true);
    go('/admin/users');
    expect(config.shouldTrack('page_view')).toBe(false);
    go('/shop/42/edit');
    expect(config.api.getAutoEventsConfig()).toMatchObject({ currentPath: '/shop/42/edit', shouldTrack: false });
  });

  it('applies init options and the extension-wide switch', () => {
    const { config, allow } = setup();
    config.init({ autoEvents: false, disabledPaths: '/x', disabledEvents: 'rage_click' });
    expect(config.api.getAutoEventsConfig()).toMatchObject({ enabled: false, disabledPaths: ['/x'], disabledEvents: ['rage_click'] });
    config.init({ autoEvents: true });
    expect(config.shouldTrack('page_view')).toBe(true);
    allow(false);
    expect(config.shouldTrack('page_view')).toBe(false);
  });
});
