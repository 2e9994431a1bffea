import { randomUuid } from '../ids';

/** Distinct ids whose session the SDK remembers; beyond it the least recently used is forgotten (it gets a new session when seen again). */
const MAX_SESSIONS = 10_000;

/**
 * One in-memory server session per distinct id, as Trodo's server SDKs keep: a new session
 * id at a distinct id's first event, or the one the caller gives (`forUser(id, { sessionId })`,
 * for example the browser's). `isNew` says its session record must be sent first.
 */
export function sessionMap(max = MAX_SESSIONS, newId: () => string = randomUuid) {
  const sessions = new Map<string, string>();

  function remember(distinctId: string, sessionId: string) {
    sessions.delete(distinctId); // re-inserted last: the Map's order is the recency order
    sessions.set(distinctId, sessionId);
    if (sessions.size > max) sessions.delete(sessions.keys().next().value!);
  }

  return {
    get(distinctId: string, given?: string): { sessionId: string; isNew: boolean } {
      const known = sessions.get(distinctId);
      const sessionId = given ?? known ?? newId();
      remember(distinctId, sessionId);
      return { sessionId, isNew: sessionId !== known };
    },
    /** After identify: Trodo answered with the identified distinct id; it carries on the same session. */
    alias(from: string, to: string) {
      const sessionId = sessions.get(from);
      if (sessionId && !sessions.has(to)) remember(to, sessionId);
    },
  };
}
