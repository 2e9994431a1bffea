/**
 * The shared call vocabulary: the operations the tracker queues as calls (`TrodoEvent.call`)
 * and the distinct id identify() gives. A leaf: it imports nothing, so the event type, the
 * tracker, the wire and the collector can all use it without importing each other.
 */
export const CALL_OPS = [
  'session', 'identify', 'reset',
  'people/set', 'people/set_once', 'people/unset', 'people/increment', 'people/append', 'people/union',
  'people/remove', 'people/track_charge', 'people/clear_charges', 'people/delete_user',
  'groups/set_group', 'groups/add_group', 'groups/remove_group',
  'groups/profile/set', 'groups/profile/set_once', 'groups/profile/union', 'groups/profile/remove',
  'groups/profile/unset', 'groups/profile/increment', 'groups/profile/append', 'groups/profile/delete',
] as const;

export type CallOp = (typeof CALL_OPS)[number];

const OPS: ReadonlySet<string> = /* @__PURE__ */ new Set(CALL_OPS);

export function isCallOp(value: unknown): value is CallOp {
  return typeof value === 'string' && OPS.has(value);
}

/** The distinct id the tracker assumes right after identify(id), until Trodo answers. */
export function identifiedDistinctId(identifyId: string): string {
  return `id_${identifyId}`;
}
