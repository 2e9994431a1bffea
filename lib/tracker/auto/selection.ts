import type { Emit } from './catalog';
import { capturable, describe } from './element';
import { later, on } from './guard';
import { mask } from './mask';

const SETTLE_MS = 500;
const MIN_LENGTH = 3;

/**
 * text_selection (once a selection settles), copy_action and context_menu. Selections
 * inside form fields never reach here: `getSelection()` does not return field text.
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
      if (text.trim().length < MIN_LENGTH || text === last || !el || !capturable(selection?.focusNode ?? null)) return;
      last = text;
      emit('text_selection', { selected_text: mask(text), selection_length: text.length }, describe(el));
    }, SETTLE_MS, signal);
  }, signal);

  on(document, 'copy', (event) => {
    const el = capturable(event.target);
    if (el) emit('copy_action', { text_length: String(getSelection() ?? '').length }, describe(el));
  }, signal);

  on<MouseEvent>(document, 'contextmenu', (event) => {
    const el = capturable(event.target);
    if (el) emit('context_menu', { page_x: event.pageX, page_y: event.pageY }, describe(el));
  }, signal);
}
