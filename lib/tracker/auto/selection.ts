import type { Emit } from './catalog';
import { NO_CAPTURE, capturable, describe, isEditing } from './element';
import { later, on } from './guard';
import { mask } from './mask';

const SETTLE_MS = 500;
const MIN_LENGTH = 3;

/**
 * text_selection (once a selection settles), copy_action and context_menu. Nothing is
 * read while the user is in a field or an editable region: what is selected there is
 * their input.
 */
export function startSelection(emit: Emit, signal: AbortSignal): void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let last = '';
  on(document, 'selectionchange', () => {
    clearTimeout(timer);
    timer = later(() => {
      const selection = getSelection();
      const text = selection ? selection.toString() : '';
      const el = capturable(selection?.anchorNode ?? null);
      if (text.trim().length < MIN_LENGTH || text === last || !el || !capturable(selection?.focusNode ?? null) || isEditing(document)) return;
      // A selection running across an opted-out region would carry its text: skip it whole.
      const range = selection!.rangeCount ? selection!.getRangeAt(0) : null;
      for (const optedOut of document.querySelectorAll(`[${NO_CAPTURE}]`)) if (range?.intersectsNode(optedOut)) return;
      last = text;
      emit('text_selection', { selected_text: mask(text), selection_length: text.length }, describe(el));
    }, SETTLE_MS, signal);
  }, signal);

  on(document, 'copy', (event) => {
    const el = capturable(event.target);
    if (el) emit('copy_action', { text_length: isEditing(document) ? null : String(getSelection() ?? '').length }, describe(el));
  }, signal);

  on<MouseEvent>(document, 'contextmenu', (event) => {
    const el = capturable(event.target);
    if (el) emit('context_menu', { page_x: event.pageX, page_y: event.pageY }, describe(el));
  }, signal);
}
