import { isPlainObject, type Json, type JsonObject } from '../json';
import type { CallOp } from '../wire/ops';
import type { CallResult } from './types';

/** Queues one call for a distinct id; the id's session record is not needed for these. */
export type Send = (distinctId: string, op: CallOp, args: JsonObject) => Promise<CallResult>;
export type Invalid = (message: string) => Promise<CallResult>;

const isKey = (value: unknown): value is string => typeof value === 'string' && value !== '';

/**
 * `people.*` of the Node SDK: the browser's operations with the distinct id first, as calls to
 * /api/sdk/people/{op} with the official body keys (the same keys the extension's tracker sends).
 * `clean` makes values JSON-safe with the sanitiser track() uses.
 */
export function createPeople(send: Send, invalid: Invalid, clean: (value: unknown) => Json) {
  const props = (op: 'people/set' | 'people/set_once') => (distinctId: string, properties: object) =>
    isPlainObject(properties) ? send(distinctId, op, { properties: clean(properties) }) : invalid('properties must be an object');
  const list = (op: 'people/append' | 'people/union' | 'people/remove') => (distinctId: string, key: string, values: unknown) =>
    isKey(key) ? send(distinctId, op, { key, values: clean(Array.isArray(values) ? values : [values]) }) : invalid('key must be a non-empty string');

  async function increment(distinctId: string, key: string | Record<string, number>, amount: number = 1): Promise<CallResult> {
    if (isPlainObject(key)) {
      // The official SDK takes one key per call; the object form becomes one call per key.
      const entries = Object.entries(key);
      if (!entries.length) return invalid('increment: no keys');
      const all = await Promise.all(entries.map(([k, n]) => increment(distinctId, k, n)));
      return all.find((r) => !r.success) ?? all[0]!;
    }
    if (!isKey(key) || typeof amount !== 'number' || !Number.isFinite(amount)) return invalid('increment: key and number needed');
    return send(distinctId, 'people/increment', { key, amount });
  }

  const setOnce = props('people/set_once');
  return {
    set: props('people/set'),
    setOnce,
    set_once: setOnce,
    unset: (distinctId: string, keys: string | string[]) =>
      isKey(keys) || (Array.isArray(keys) && keys.length > 0 && keys.every(isKey))
        ? send(distinctId, 'people/unset', { keys })
        : invalid('unset: key or keys needed'),
    increment,
    append: list('people/append'),
    union: list('people/union'),
    remove: list('people/remove'),
    trackCharge: (distinctId: string, amount: number, properties?: object) =>
      typeof amount === 'number' && Number.isFinite(amount)
        ? send(distinctId, 'people/track_charge', { amount, properties: clean(properties ?? {}) })
        : invalid('trackCharge: number needed'),
    clearCharges: (distinctId: string) => send(distinctId, 'people/clear_charges', {}),
    deleteUser: (distinctId: string) => send(distinctId, 'people/delete_user', {}),
  };
}

/** The distinct id group-profile calls are sent under: they belong to no user. */
export const GLOBAL_DISTINCT_ID = 'server_global';

/** Group membership (`set_group` …, distinct id first) and group profiles (`get_group(key, id).set(…)`). */
export function createGroups(send: Send, invalid: Invalid, clean: (value: unknown) => Json) {
  const bad = () => invalid('groupKey and groupId must be non-empty strings');
  const member = (op: 'groups/add_group' | 'groups/remove_group') => (distinctId: string, groupKey: string, groupId: string) =>
    isKey(groupKey) && isKey(groupId) ? send(distinctId, op, { groupKey, groupId }) : bad();
  return {
    set_group: (distinctId: string, groupKey: string, groupId: string | string[]) =>
      isKey(groupKey) && (isKey(groupId) || (Array.isArray(groupId) && groupId.length > 0 && groupId.every(isKey)))
        ? send(distinctId, 'groups/set_group', { groupKey, groupId })
        : bad(),
    add_group: member('groups/add_group'),
    remove_group: member('groups/remove_group'),
    get_group(groupKey: string, groupId: string) {
      const ok = isKey(groupKey) && isKey(groupId);
      const p = (op: string, args: JsonObject) => (ok ? send(GLOBAL_DISTINCT_ID, `groups/profile/${op}` as CallOp, { groupKey, groupId, ...args }) : bad());
      const props = (op: 'set' | 'set_once') => (properties: object) =>
        isPlainObject(properties) ? p(op, { properties: clean(properties) }) : invalid('properties must be an object');
      return {
        set: props('set'),
        set_once: props('set_once'),
        union: (listName: string, values: unknown[]) => p('union', { listName, values: clean(Array.isArray(values) ? values : [values]) }),
        remove: (listName: string, value: unknown) => p('remove', { listName, values: clean([value]) }),
        unset: (property: string) => p('unset', { property }),
        increment: (property: string, value = 1) =>
          typeof value === 'number' && Number.isFinite(value) ? p('increment', { property, value }) : invalid('increment: number needed'),
        append: (property: string, value: unknown) => p('append', { property, value: clean(value) }),
        delete: () => p('delete', {}),
      };
    },
  };
}
