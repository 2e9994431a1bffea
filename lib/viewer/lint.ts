import type { HistoryRecord } from '../history';
import type { Json } from '../json';

/**
 * Gentle warnings from Trodo's naming and property guidance. They never block an event:
 * they tell the engineer what will make the data harder to use in Trodo.
 */
export interface LintWarning {
  rule: 'snake-case' | 'generic-name' | 'reserved-name' | 'free-form' | 'nested' | 'inconsistent-type' | 'high-cardinality';
  message: string;
}

const SNAKE_CASE = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;
/** Names that say nothing about what happened (Trodo's "Avoid" list and its kin). */
const GENERIC = new Set(['click', 'clicked', 'event', 'data', 'track', 'action', 'submit', 'button', 'view', 'test', 'page', 'value', 'update', 'custom']);
const LONG_STRING = 200;

/** Warnings about one event on its own. Auto events are named by the tracker, so only custom ones are linted. */
export function lintEvent(record: HistoryRecord): LintWarning[] {
  const { event } = record;
  // Auto events and SDK calls (identify, people.*, …) are named by the tracker, not by page code.
  if (event.kind !== 'custom' || event.call) return [];
  const warnings: LintWarning[] = [];
  const words = splitWords(event.name);
  if (!SNAKE_CASE.test(event.name)) {
    warnings.push({ rule: 'snake-case', message: `"${event.name}" is not snake_case; prefer "${words.join('_')}"` });
  }
  if (words.length < 2 || words.every((w) => GENERIC.has(w))) {
    warnings.push({ rule: 'generic-name', message: `"${event.name}" is too generic: name the object and what happened, e.g. "signup_completed"` });
  }
  for (const note of event.notes ?? []) {
    const reserved = /^"(.+)" is a reserved name/.exec(note);
    if (reserved) warnings.push({ rule: 'reserved-name', message: `sends the reserved name "${reserved[1]}": the tracker fills it from the page, so the value is stripped` });
  }
  for (const [key, value] of Object.entries(event.properties)) {
    if (typeof value === 'string' && value.length > LONG_STRING) {
      warnings.push({ rule: 'free-form', message: `"${key}" holds ${value.length} characters of free text; prefer typed, bounded values` });
    } else if (isNested(value)) {
      warnings.push({ rule: 'nested', message: `"${key}" is a nested ${Array.isArray(value) ? 'list of objects' : 'object'}; flat properties are easier to filter and break down` });
    }
  }
  return warnings;
}

export interface NameSummary {
  name: string;
  count: number;
  /** Warnings on single events (by rule, counted) and across events of this name. */
  warnings: LintWarning[];
}

/** Per event name: how often it was seen and everything lint found, across events. */
export function lintByName(records: HistoryRecord[]): NameSummary[] {
  const groups = new Map<string, HistoryRecord[]>();
  for (const record of records) {
    if (record.event.kind !== 'custom' || record.event.call) continue;
    const list = groups.get(record.event.name);
    if (list) list.push(record);
    else groups.set(record.event.name, [record]);
  }
  const out: NameSummary[] = [];
  for (const [name, group] of groups) {
    const seen = new Map<string, LintWarning>();
    for (const record of group) for (const w of lintEvent(record)) seen.set(w.message, w);
    out.push({ name, count: group.length, warnings: [...seen.values(), ...acrossEvents(group)] });
  }
  return out.sort((a, b) => b.warnings.length - a.warnings.length || b.count - a.count || a.name.localeCompare(b.name));
}

function acrossEvents(group: HistoryRecord[]): LintWarning[] {
  const types = new Map<string, Set<string>>();
  const values = new Map<string, Set<string>>();
  for (const { event } of group) {
    for (const [key, value] of Object.entries(event.properties)) {
      const set = types.get(key) ?? types.set(key, new Set()).get(key)!;
      set.add(jsonType(value));
      if (typeof value === 'string') (values.get(key) ?? values.set(key, new Set()).get(key)!).add(value);
    }
  }
  const warnings: LintWarning[] = [];
  for (const [key, set] of types) {
    if (set.size > 1) warnings.push({ rule: 'inconsistent-type', message: `"${key}" is sent as ${[...set].join(' and ')} in different events` });
  }
  for (const [key, set] of values) {
    // Ids are meant to be unique; other strings with a new value almost every time are
    // usually free text or ids in disguise, and cannot be broken down.
    if (/(^|_)id$|Id$/.test(key)) continue;
    if (set.size >= 20 && set.size / group.length > 0.8) {
      warnings.push({ rule: 'high-cardinality', message: `"${key}" has ${set.size} distinct values in ${group.length} events; use a bounded set of values` });
    }
  }
  return warnings;
}

/** "agentRunCompleted" → ["agent", "run", "completed"]; "Sign-Up Done" → ["sign", "up", "done"]. */
export function splitWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}

function isNested(value: Json): boolean {
  if (Array.isArray(value)) return value.some((v) => typeof v === 'object' && v !== null);
  return typeof value === 'object' && value !== null;
}

function jsonType(value: Json): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'array' : typeof value;
}
