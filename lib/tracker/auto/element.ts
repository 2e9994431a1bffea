import type { JsonObject } from '../../json';
import { cleanUrl, mask } from './mask';

/** Opt-out marker: nothing is captured from an element carrying it or from inside it. */
export const NO_CAPTURE = 'data-trodo-no-capture';

/** Elements whose text is never read: their text is a value, or code. */
const SILENT = /^(INPUT|TEXTAREA|SELECT|OPTION|SCRIPT|STYLE|NOSCRIPT|TEMPLATE)$/;

const INTERACTIVE = 'a[href],button,input,select,textarea,label,summary,details,option,video,audio,[onclick],[role=button],[role=link],[role=checkbox],[role=menuitem],[role=tab],[role=option],[role=switch],[tabindex]:not([tabindex="-1"]),[contenteditable]:not([contenteditable=false])';

/** Whether nothing may be captured from `el`: opted out, or a password / hidden field. */
export function isPrivate(el: Element): boolean {
  if (el.closest(`[${NO_CAPTURE}]`)) return true;
  const type = el.tagName === 'INPUT' ? (el as HTMLInputElement).type : '';
  return type === 'password' || type === 'hidden';
}

/**
 * Whether the user is typing into a field or an editable region: a selection or copy there
 * is the user's input, which is never read.
 */
export function isEditing(doc: Document): boolean {
  const active = doc.activeElement;
  return !!active && (/^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName) || !!active.closest('[contenteditable]:not([contenteditable=false])'));
}

/** Whether a click on `el` is expected to do something (a control, link, or has a handler). */
export function isInteractive(el: Element): boolean {
  return !!el.closest(INTERACTIVE);
}

/** The element an event is about, or null when it is not an element or is private. */
export function capturable(target: EventTarget | null): Element | null {
  const el = target instanceof Element ? target : target instanceof Node ? target.parentElement : null;
  return el && !isPrivate(el) ? el : null;
}

/**
 * Visible text of `el` from its text nodes (no layout: not `innerText`), skipping form
 * fields, editable regions and opted-out subtrees, masked and cut to 100 characters.
 */
export function textOf(el: Element): string {
  let text = '';
  const walk = (node: Node) => {
    for (let child = node.firstChild; child && text.length < 400; child = child.nextSibling) {
      if (child.nodeType === 3) text += child.nodeValue + ' ';
      else if (child instanceof Element && !silent(child)) walk(child);
    }
  };
  if (!silent(el)) walk(el);
  return mask(text);
}

function silent(el: Element): boolean {
  const editable = el.getAttribute('contenteditable');
  return SILENT.test(el.tagName) || el.hasAttribute(NO_CAPTURE) || (editable !== null && editable !== 'false');
}

/**
 * A short CSS path for `el`: up to four levels, stopping at the first id.
 *
 * @example
 * selectorPath(button) // → 'main#app > div.card > button.buy.primary'
 */
export function selectorPath(el: Element): string {
  const parts: string[] = [];
  for (let node: Element | null = el; node && parts.length < 4 && node.tagName !== 'HTML'; node = node.parentElement) {
    let part = node.tagName.toLowerCase();
    if (node.id) {
      parts.unshift(`${part}#${node.id}`);
      break;
    }
    const classes = classList(node).slice(0, 2);
    if (classes.length) part += '.' + classes.join('.');
    parts.unshift(part);
  }
  return mask(parts.join(' > '), 200);
}

function classList(el: Element): string[] {
  const value = el.getAttribute('class');
  return value ? value.trim().split(/\s+/).filter(Boolean) : [];
}

/**
 * Trodo's `element_data` for `el`. Reads attributes only; never `.value`. With a pointer
 * event it adds the position, which costs one layout read.
 */
export function describe(el: Element, pointer?: MouseEvent): JsonObject {
  const attr = (name: string) => mask(el.getAttribute(name)) || null;
  const data: JsonObject = {
    element_tag_name: el.tagName.toLowerCase(),
    element_id: mask(el.id) || null,
    element_class: mask(classList(el).join(' ')) || null,
    element_name: attr('name'),
    element_type: attr('type'),
    element_role: attr('role'),
    element_aria_label: attr('aria-label'),
    element_text: textOf(el) || null,
    element_selector: selectorPath(el),
  };
  const link = el.closest('a[href]');
  if (link) data.element_href = cleanUrl((link as HTMLAnchorElement).href);
  if (pointer) {
    const box = el.getBoundingClientRect();
    data.element_position = { x: pointer.clientX, y: pointer.clientY, width: Math.round(box.width), height: Math.round(box.height) };
  }
  return data;
}
