import { SESSION_TIMEOUT_MS, type Identity } from './identity';

/** A session that timed out, for its session_end event and final record. */
export interface EndedSession {
  id: string;
  startedAt: number;
  lastActivityAt: number;
}

/**
 * Records activity at `now`. When the last activity is more than 30 minutes ago the session
 * ends (returned, if it was ever announced) and a new one begins. `started` says the current
 * session still has to be announced (record + session_start) — true for a fresh identity,
 * after a timeout and after reset; false when another tab announced it already.
 */
export function advanceSession(s: Identity, now: number, newId: () => string): { ended: EndedSession | null; started: boolean } {
  let ended: EndedSession | null = null;
  if (now - s.lastActivityAt > SESSION_TIMEOUT_MS) {
    if (s.announced === s.sessionId) ended = { id: s.sessionId, startedAt: s.sessionStartedAt, lastActivityAt: s.lastActivityAt };
    s.sessionId = newId();
    s.sessionStartedAt = now;
  }
  s.lastActivityAt = Math.max(s.lastActivityAt, now);
  const started = s.announced !== s.sessionId;
  s.announced = s.sessionId;
  return { ended, started };
}

/** Group memberships as event properties: one id as a string, several as a list (official SDK). */
export function groupProperties(groups: Record<string, string[]> | undefined): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key in groups) {
    const ids = groups[key]!;
    out[key] = ids.length === 1 ? ids[0]! : ids;
  }
  return out;
}
