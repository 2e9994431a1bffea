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
  return {
    set_group: (groupKey, groupId) =>
      isKey(groupKey) && (isKey(groupId) || (Array.isArray(groupId) && groupId.length > 0 && groupId.every(isKey)))
        ? call('groups/set_group', { groupKey, groupId }, (_, s) => void ((s.groups ??= {})[groupKey] = Array.isArray(groupId) ? [...groupId] : [groupId]))
        : bad(),
    add_group: (groupKey, groupId) =>
      isKey(groupKey) && isKey(groupId)
        ? call('groups/add_group', { groupKey, groupId }, (_, s) => {
            const ids = (s.groups ??= {})[groupKey] ?? [];
            if (!ids.includes(groupId)) s.groups[groupKey] = [...ids, groupId];
          })
        : bad(),
    remove_group: (groupKey, groupId) =>
      isKey(groupKey) && isKey(groupId)
        ? call('groups/remove_group', { groupKey, groupId }, (_, s) => {
            const ids = s.groups?.[groupKey]?.filter((id) => id !== groupId);
            if (ids?.length) s.groups![groupKey] = ids;
            else if (ids) delete s.groups![groupKey];
          })
        : bad(),
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
