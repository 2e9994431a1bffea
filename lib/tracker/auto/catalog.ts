import type { JsonObject } from '../../json';

/**
 * Trodo's auto-event names and their categories, as the official `trodo` SDK reports
 * them (`_getAutoEventCategory`). session_start / session_end belong to the session work
 * and are not fired here.
 */
export const AUTO_CATEGORIES = {
  page_view: 'navigation',
  element_click: 'interaction',
  rage_click: 'interaction',
  dead_click: 'interaction',
  page_scroll: 'interaction',
  text_selection: 'interaction',
  copy_action: 'interaction',
  context_menu: 'interaction',
  element_view: 'visibility',
  exit_intent: 'other',
  form_submit: 'form',
  form_validation_error: 'form',
  form_abandoned: 'form',
  media_play: 'media',
  media_pause: 'media',
  js_error: 'error',
  network_error: 'error',
  page_performance: 'performance',
} as const;

export type AutoEventName = keyof typeof AUTO_CATEGORIES;

export const AUTO_EVENT_NAMES = Object.keys(AUTO_CATEGORIES) as AutoEventName[];

/**
 * What an auto-event module is given to report with. `last()` is the name of the most
 * recent event the tracker recorded (js_error carries it as context).
 *
 * @example
 * emit('element_click', { page_x: 10, page_y: 20 }, { element_tag_name: 'button' });
 */
export interface Emit {
  (name: AutoEventName, data: JsonObject, element?: JsonObject): void;
  last(): string;
}

/** One event family: starts listening at once and stops when `signal` aborts. */
export type AutoModule = (emit: Emit, signal: AbortSignal) => void;
