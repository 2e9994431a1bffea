/** Who the events are about and which visit they belong to; persisted per page origin. */
export interface Identity {
  anonymousId: string;
  /** The identified id after `identify`, else the anonymous id. */
  distinctId: string;
  sessionId: string;
  sessionStartedAt: number;
  lastActivityAt: number;
}

/** Trodo's documented session timeout (the official SDK uses 2 minutes; its docs say 30). */
export const SESSION_TIMEOUT_MS = 30 * 60 * 1000;

export function newIdentity(newId: () => string, now: number): Identity {
  const anonymousId = newId();
  return { anonymousId, distinctId: anonymousId, sessionId: newId(), sessionStartedAt: now, lastActivityAt: now };
}

/**
 * Records activity at `now`, starting a new session first when the last activity is more
 * than the timeout ago. Returns whether a new session started.
 */
export function touchSession(identity: Identity, now: number, newId: () => string): boolean {
  const expired = now - identity.lastActivityAt > SESSION_TIMEOUT_MS;
  if (expired) {
    identity.sessionId = newId();
    identity.sessionStartedAt = now;
  }
  identity.lastActivityAt = Math.max(identity.lastActivityAt, now);
  return expired;
}

export function isIdentity(value: unknown): value is Identity {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.anonymousId === 'string' && typeof v.distinctId === 'string' && typeof v.sessionId === 'string' &&
    typeof v.sessionStartedAt === 'number' && typeof v.lastActivityAt === 'number'
  );
}
