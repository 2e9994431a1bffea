import type { JsonObject } from '../json';
import { SESSION_TIMEOUT_MS, type Identity } from './identity';

/**
 * What a session change puts in the queue before the event that caused it: `session_end`,
 * the session's record for /api/sdk/track (`session`, see `sessionRecord` in the wire), or
 * `session_start`. The tracker core makes events of them (lib/tracker/core.ts).
 */
export interface SessionItem {
  name: 'session_end' | 'session' | 'session_start';
  sessionId: string;
  time: number;
  properties: JsonObject;
}

/**
 * Activity at `now`, as a pure step: the next state, and the items that must come before
 * the event that is active now. After 30 minutes without activity the session ends (its
 * end and final record, if it was ever announced) and a new one begins; a session not yet
 * announced gets its record and session_start — a fresh identity, after a timeout, after
 * reset; not one another tab announced already.
 *
 * @example advance(identity, Date.now(), randomUuid) // → { state, items: [record, session_start] } the first time
 */
export function advance(s: Identity, now: number, newId: () => string): { state: Identity; items: SessionItem[] } {
  if (continues(s, now)) return { state: { ...s, lastActivityAt: Math.max(s.lastActivityAt, now) }, items: [] };
  const state: Identity = { ...s, lastActivityAt: Math.max(s.lastActivityAt, now) };
  let items: SessionItem[] = [];
  if (now - s.lastActivityAt > SESSION_TIMEOUT_MS) {
    items = ending(s);
    state.sessionId = newId();
    state.sessionStartedAt = now;
  }
  if (state.announced !== state.sessionId) {
    state.announced = state.sessionId;
    items[items.length] = record(state);
    items[items.length] = { name: 'session_start', sessionId: state.sessionId, time: now, properties: {} };
  }
  return { state, items };
}

/**
 * Whether activity at `now` changes nothing but the last activity time (`advance` then
 * returns no items): the case of almost every event, which the tracker core takes without
 * a copy of its state, on track()'s hot path.
 */
export function continues(s: Identity, now: number): boolean {
  return s.announced === s.sessionId && now - s.lastActivityAt <= SESSION_TIMEOUT_MS;
}

/** The end of the current session, if it was announced: its session_end and final record (timeouts, reset). */
export function ending(s: Identity): SessionItem[] {
  if (s.announced !== s.sessionId) return [];
  const duration = Math.round((s.lastActivityAt - s.sessionStartedAt) / 1000);
  return [{ name: 'session_end', sessionId: s.sessionId, time: s.lastActivityAt, properties: { duration } }, record(s, true)];
}

function record(s: Identity, ended?: boolean): SessionItem {
  const properties: JsonObject = { started_at: s.sessionStartedAt, last_activity: s.lastActivityAt };
  if (ended) properties.ended_at = s.lastActivityAt;
  return { name: 'session', sessionId: s.sessionId, time: s.lastActivityAt, properties };
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
