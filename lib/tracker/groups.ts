import { isPlainObject, type Json } from '../json';
import { isKey, type CallKit, type Result } from './calls';

/** What `get_group(key, id)` returns: profile operations on that group. */
export interface GroupRef {
  set(properties: object): Promise<Result>;
  set_once(properties: object): Promise<Result>;
  union(listName: string, values: unknown[]): Promise<Result>;
  remove(listName: string, value: unknown): Promise<Result>;
  unset(property: string): Promise<Result>;
  increment(property: string, value?: number): Promise<Result>;
  append(property: string, value: unknown): Promise<Result>;
  delete(): Promise<Result>;
}

export interface Groups {
  set_group(groupKey: string, groupId: string | string[]): Promise<Result>;
  add_group(groupKey: string, groupId: string): Promise<Result>;
  remove_group(groupKey: string, groupId: string): Promise<Result>;
  get_group(groupKey: string, groupId: string): GroupRef | null;
}

type ProfileOp = 'set' | 'set_once' | 'union' | 'remove' | 'unset' | 'increment' | 'append' | 'delete';

/**
 * Group memberships and group profiles, as calls to /api/sdk/groups/…. Memberships are kept
 * in the tracker's state (applied when the call is taken, in call order) and added to every
 * later event's properties, as the official SDK does.
 */
export function createGroups({ call, fail, clean, guard }: CallKit): Groups {
  const bad = () => fail('groupKey and groupId must be non-empty strings');
  /** A membership call: `next` gives the key's ids after it (none: the key goes). */
  const member =
    (op: 'set_group' | 'add_group' | 'remove_group', valid: (id: unknown) => boolean, next: (ids: string[], id: string | string[]) => string[]) =>
    (groupKey: string, groupId: string | string[]) =>
      isKey(groupKey) && valid(groupId)
        ? call(`groups/${op}`, { groupKey, groupId }, (_, s) => {
            const ids = next(s.groups?.[groupKey] ?? [], groupId);
            if (ids.length) (s.groups ??= {})[groupKey] = ids;
            else if (s.groups) delete s.groups[groupKey];
          })
        : bad();
  return {
    set_group: member('set_group', (id) => isKey(id) || (Array.isArray(id) && id.length > 0 && id.every(isKey)), (_, id) => (Array.isArray(id) ? [...id] : [id])),
    add_group: member('add_group', isKey, (ids, id) => (ids.includes(id as string) ? ids : [...ids, id as string])),
    remove_group: member('remove_group', isKey, (ids, id) => ids.filter((x) => x !== id)),
    get_group(groupKey, groupId) {
      if (!isKey(groupKey) || !isKey(groupId)) {
        void bad();
        return null;
      }
      const p = (op: ProfileOp, args: Record<string, Json>) => call(`groups/profile/${op}`, { groupKey, groupId, ...args });
      const props = (op: 'set' | 'set_once') => (properties: unknown) =>
        isPlainObject(properties) ? p(op, { properties: clean(properties) }) : fail('properties must be an object');
      return guard<GroupRef>({
        set: props('set'),
        set_once: props('set_once'),
        union: (listName, values) => p('union', { listName, values: clean(Array.isArray(values) ? values : [values]) }),
        remove: (listName, value) => p('remove', { listName, values: clean([value]) }),
        unset: (property) => p('unset', { property }),
        increment: (property, value = 1) =>
          typeof value === 'number' && Number.isFinite(value) ? p('increment', { property, value }) : fail('increment: number needed'),
        append: (property, value) => p('append', { property, value: clean(value) }),
        delete: () => p('delete', {}),
      });
    },
  };
}
