import { NativePromise } from './natives';
import { isPlainObject, type JsonObject } from '../json';
import { isKey, type Apply, type CallKit, type Result } from './calls';

/** The methods of `Trodo.people`; each resolves once the call is durably queued. */
export interface People {
  set(properties: object): Promise<Result>;
  setOnce(properties: object): Promise<Result>;
  set_once(properties: object): Promise<Result>;
  unset(keys: string | string[]): Promise<Result>;
  /** `increment('logins')`, `increment('credits', 5)` or `increment({ logins: 1, credits: 5 })`. */
  increment(key: string | Record<string, number>, amount?: number): Promise<Result>;
  append(key: string, values: unknown): Promise<Result>;
  union(key: string, values: unknown): Promise<Result>;
  remove(key: string, values: unknown): Promise<Result>;
  trackCharge(amount: number, properties?: object): Promise<Result>;
  clearCharges(): Promise<Result>;
  deleteUser(): Promise<Result>;
}

/**
 * `Trodo.people`: user-profile operations, queued as calls to /api/sdk/people/{op} with the
 * official SDK's body shapes. `clean` makes values JSON-safe the way track() does.
 * `forget` runs after deleteUser is queued: the device starts over as a new anonymous user.
 */
export function createPeople({ call, fail, clean, guard }: CallKit, forget: Apply): People {
  const props = (op: 'people/set' | 'people/set_once') => (properties: unknown) =>
    isPlainObject(properties) ? call(op, { properties: clean(properties) }) : fail('properties must be an object');
  // The official SDK insists on an array; a single value is accepted here and sent as [value].
  const list = (op: 'people/append' | 'people/union' | 'people/remove') => (key: unknown, values: unknown) =>
    isKey(key) ? call(op, { key, values: clean(Array.isArray(values) ? values : [values]) }) : fail('key must be a non-empty string');
  const setOnce = props('people/set_once');

  function increment(key: unknown, amount: unknown = 1): Promise<Result> {
    if (isPlainObject(key)) {
      // The official SDK takes one key per call; the object form becomes one call per key.
      const entries = Object.entries(key);
      if (!entries.length) return fail('increment: no keys');
      return NativePromise.all(entries.map(([k, n]) => increment(k, n))).then((all) => all.find((r) => !r.success) ?? { success: true });
    }
    if (!isKey(key) || typeof amount !== 'number' || !Number.isFinite(amount)) return fail('increment: key and number needed');
    return call('people/increment', { key, amount });
  }

  return guard<People>({
    set: props('people/set'),
    setOnce,
    set_once: setOnce,
    unset: (keys) =>
      isKey(keys) || (Array.isArray(keys) && keys.length > 0 && keys.every(isKey))
        ? call('people/unset', { keys } as JsonObject)
        : fail('unset: key or keys needed'),
    increment: increment as People['increment'],
    append: list('people/append'),
    union: list('people/union'),
    remove: list('people/remove'),
    trackCharge: (amount, properties) =>
      typeof amount === 'number' && Number.isFinite(amount)
        ? call('people/track_charge', { amount, properties: clean(properties ?? {}) })
        : fail('trackCharge: number needed'),
    clearCharges: () => call('people/clear_charges', {}),
    deleteUser: () => call('people/delete_user', {}, forget),
  });
}
