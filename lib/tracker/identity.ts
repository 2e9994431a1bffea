/**
 * Who the events are about and which visit they belong to; persisted per page origin
 * (IndexedDB `trodo`, store `state`) and shared between the origin's tabs.
 */
export interface Identity {
  /** The device's user id (the official SDK's persistent `user_id`); kept across reset. */
  anonymousId: string;
  /** `id_…` after `identify` (or Trodo's answer), else an anonymous `anon_…` id. */
  distinctId: string;
  sessionId: string;
  sessionStartedAt: number;
  lastActivityAt: number;
  /** The session whose record and session_start were queued; another id means "announce it". */
  announced?: string;
  /** setTrackingConsent(false) stores false: nothing is captured until it is true again. */
  consent?: boolean;
  /** Group memberships (set_group …), added to every event's properties. */
  groups?: Record<string, string[]>;
}

/** Trodo's documented session timeout (the official SDK uses 2 minutes; its docs say 30). */
export const SESSION_TIMEOUT_MS = 30 * 60 * 1000;

export function newIdentity(newId: () => string, now: number): Identity {
  const anonymousId = newId();
  return { anonymousId, distinctId: anonDistinctId(anonymousId, now), sessionId: newId(), sessionStartedAt: now, lastActivityAt: now };
}

/**
 * An anonymous distinct id in the official SDK's form, `anon_{time}_{userId}_{random}`. The
 * random part is not from `newId`, so that creating an identity takes the same ids as before.
 */
export function anonDistinctId(userId: string, now: number): string {
  return `anon_${now}_${userId}_${Math.random().toString(36).slice(2, 12)}`;
}

export function isIdentity(value: unknown): value is Identity {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.anonymousId === 'string' && typeof v.distinctId === 'string' && typeof v.sessionId === 'string' &&
    typeof v.sessionStartedAt === 'number' && typeof v.lastActivityAt === 'number'
  );
}
