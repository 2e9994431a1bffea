import type { JsonObject } from '../../json';
import type { Emit } from './catalog';
import { capturable, describe, isPrivate } from './element';
import { on } from './guard';
import { cleanUrl, mask } from './mask';

const MAX_FIELDS = 50;

type Field = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

/**
 * form_submit, form_validation_error and form_abandoned. Field names and counts only:
 * no value is ever read, and password and hidden fields are left out altogether.
 */
export function startForms(emit: Emit, signal: AbortSignal): void {
  /** Forms the user has typed into and not submitted, with when and which fields. */
  const touched = new Map<HTMLFormElement, { since: number; fields: Set<string> }>();

  on(document, 'submit', (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    touched.delete(form);
    if (!capturable(form)) return;
    const names = fieldNames(form);
    emit('form_submit', {
      ...formData(form),
      form_action: cleanUrl(form.action),
      form_method: form.method || 'get',
      field_names: names,
      field_count: names.length,
    }, describe(form));
  }, signal);

  // `invalid` does not bubble: only a capture-phase listener on the document sees it.
  on(document, 'invalid', (event) => {
    const field = event.target as Field;
    if (!(field instanceof Element) || isPrivate(field)) return;
    emit('form_validation_error', {
      ...(field.form ? formData(field.form) : {}),
      field_name: mask(field.getAttribute('name')) || null,
      field_type: field.type || field.tagName.toLowerCase(),
      // The reason's key, not `validationMessage`: Chromium quotes the typed value in it.
      validation_reason: reason(field.validity),
    }, describe(field));
  }, signal);

  const touch = (event: Event) => {
    const field = event.target as Field;
    const form = field.form;
    if (!form || isPrivate(form)) return;
    const entry = touched.get(form) ?? { since: Date.now(), fields: new Set<string>() };
    touched.set(form, entry);
    const name = isPrivate(field) ? '' : mask(field.getAttribute('name') || field.id);
    if (name) entry.fields.add(name);
  };
  on(document, 'input', touch, signal);
  on(document, 'change', touch, signal);

  // pagehide covers navigation and closing; visibilitychange covers a tab closed from the
  // tab strip or a mobile app switch, where pagehide may never come. Reported once.
  const left = () => {
    for (const [form, { since, fields }] of touched) {
      if (!form.isConnected) continue;
      emit('form_abandoned', {
        ...formData(form),
        filled_fields: [...fields].slice(0, MAX_FIELDS),
        fields_filled_count: fields.size,
        total_fields_count: fieldNames(form).length,
        time_on_form_ms: Date.now() - since,
      }, describe(form));
    }
    touched.clear();
  };
  on(window, 'pagehide', left, signal);
  on(document, 'visibilitychange', () => document.visibilityState === 'hidden' && left(), signal);
}

function formData(form: HTMLFormElement): JsonObject {
  return { form_id: mask(form.id) || null, form_name: mask(form.getAttribute('name')) || null };
}

/** Names of the form's fields that may be mentioned: not password, not hidden, not opted out. */
function fieldNames(form: HTMLFormElement): string[] {
  const names: string[] = [];
  for (const el of form.elements) {
    if (!/^(INPUT|SELECT|TEXTAREA)$/.test(el.tagName) || isPrivate(el)) continue;
    const type = (el as Field).type;
    if (type === 'submit' || type === 'button' || type === 'reset' || type === 'image') continue;
    const name = mask(el.getAttribute('name') || el.id);
    if (name && names.length < MAX_FIELDS) names.push(name);
  }
  return names;
}

const REASONS = ['valueMissing', 'typeMismatch', 'patternMismatch', 'tooLong', 'tooShort', 'rangeUnderflow', 'rangeOverflow', 'stepMismatch', 'badInput', 'customError'] as const;

function reason(validity: ValidityState): string {
  return REASONS.find((key) => validity[key]) ?? 'invalid';
}
