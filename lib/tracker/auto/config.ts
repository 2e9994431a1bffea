import { AUTO_EVENT_NAMES, type AutoEventName } from './catalog';
import { pathMatches } from './paths';

/** What `Trodo.getAutoEventsConfig()` returns (the official SDK's shape). */
export interface AutoEventsConfig {
  enabled: boolean;
  disabledPaths: string[];
  disabledEvents: string[];
  availableEvents: string[];
  currentPath: string;
  /** Whether auto-events are recorded on the current path right now. */
  shouldTrack: boolean;
}

/** The auto-event controls on `window.Trodo`, named as in the official SDK. */
export interface AutoEventsApi {
  /** Without arguments: the page's master switch on. With names: those events back on. */
  enableAutoEvents(events?: string | string[]): void;
  /** Without arguments: no auto-events on this page. With names: just those off. */
  disableAutoEvents(events?: string | string[]): void;
  enableAutoEvent(events: string | string[]): void;
  disableAutoEvent(events: string | string[]): void;
  setAutoEventsDisabledPaths(paths: string | string[]): void;
  setAutoEventsDisabledEvents(events: string | string[]): void;
  getAutoEventsConfig(): AutoEventsConfig;
  getAvailableAutoEvents(): string[];
}

/** `init()` options that configure auto-events. */
export interface AutoEventsOptions {
  autoEvents?: boolean;
  disabledPaths?: string | string[];
  disabledEvents?: string | string[];
}

/**
 * Page-level auto-event settings. `allowed()` is the extension-wide switch (options page)
 * and capture; both must be on as well for anything to be recorded.
 *
 * @example
 * const config = createAutoConfig(() => location.pathname, () => true);
 * config.api.setAutoEventsDisabledPaths('/admin');
 * config.shouldTrack('page_view'); // false on /admin/users
 */
export function createAutoConfig(path: () => string, allowed: () => boolean) {
  let enabled = true;
  let disabledPaths: string[] = [];
  let disabledEvents: string[] = [];

  const shouldTrack = (name?: AutoEventName) =>
    enabled && allowed() && !disabledPaths.some((p) => pathMatches(p, path())) && !(name && disabledEvents.includes(name));

  // Plural and singular forms take the same arguments: with names they act on those
  // events; `enableAutoEvents()` / `disableAutoEvents()` without arguments are the master switch.
  const disable = (events?: string | string[]) => {
    if (events === undefined) enabled = false;
    else for (const name of names(events)) if (!disabledEvents.includes(name)) disabledEvents.push(name);
  };
  const enable = (events?: string | string[]) => {
    if (events === undefined) enabled = true;
    else disabledEvents = disabledEvents.filter((name) => !names(events).includes(name));
  };

  const api: AutoEventsApi = {
    enableAutoEvents: enable,
    disableAutoEvents: disable,
    enableAutoEvent: enable,
    disableAutoEvent: disable,
    setAutoEventsDisabledPaths: (paths) => void (disabledPaths = list(paths)),
    setAutoEventsDisabledEvents: (events) => void (disabledEvents = names(events)),
    getAvailableAutoEvents: () => [...AUTO_EVENT_NAMES],
    getAutoEventsConfig: () => ({
      enabled,
      disabledPaths: [...disabledPaths],
      disabledEvents: [...disabledEvents],
      availableEvents: [...AUTO_EVENT_NAMES],
      currentPath: path(),
      shouldTrack: shouldTrack(),
    }),
  };

  function init(options: AutoEventsOptions) {
    if (typeof options.autoEvents === 'boolean') enabled = options.autoEvents;
    if (options.disabledPaths !== undefined) api.setAutoEventsDisabledPaths(options.disabledPaths);
    if (options.disabledEvents !== undefined) api.setAutoEventsDisabledEvents(options.disabledEvents);
  }

  return { api, init, shouldTrack };
}

function list(value: unknown): string[] {
  const items = Array.isArray(value) ? value : [value];
  return items.filter((item): item is string => typeof item === 'string' && item.trim() !== '').map((item) => item.trim());
}

/** Event names are matched in lower case, as the official SDK does. */
function names(value: unknown): string[] {
  return list(value).map((name) => name.toLowerCase());
}
