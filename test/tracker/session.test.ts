import { describe, expect, it } from 'vitest';
import { SESSION_TIMEOUT_MS, newIdentity } from '../../lib/tracker/identity';
import { advance, continues, ending } from '../../lib/tracker/session';

function ids() {
  let n = 0;
  return () => `id-${++n}`;
}

const names = (items: { name: string }[]) => items.map((item) => item.name);

describe('advance (the session step)', () => {
  it('announces a fresh session once: its record, then session_start at the time of the activity', () => {
    const newId = ids();
    const fresh = newIdentity(newId, 1000);
    const first = advance(fresh, 1500, newId);
    expect(names(first.items)).toEqual(['session', 'session_start']);
    expect(first.items[0]).toEqual({ name: 'session', sessionId: 'id-2', time: 1500, properties: { started_at: 1000, last_activity: 1500 } });
    expect(first.items[1]).toEqual({ name: 'session_start', sessionId: 'id-2', time: 1500, properties: {} });
    expect(first.state).toMatchObject({ sessionId: 'id-2', announced: 'id-2', lastActivityAt: 1500 });
    expect(advance(first.state, 2000, newId).items).toEqual([]);
  });

  it('is pure: the state it is given is not changed', () => {
    const newId = ids();
    const before = { ...newIdentity(newId, 0), announced: 'id-2' };
    const copy = structuredClone(before);
    const { state } = advance(before, SESSION_TIMEOUT_MS + 1, newId);
    expect(before).toEqual(copy);
    expect(state.sessionId).toBe('id-3');
  });

  it('after 30 minutes without activity ends the announced session, then starts and announces the next', () => {
    const newId = ids();
    const announced = { ...newIdentity(newId, 0), lastActivityAt: 60_000, announced: 'id-2' };
    const later = 60_000 + SESSION_TIMEOUT_MS + 1;
    const { state, items } = advance(announced, later, newId);
    expect(names(items)).toEqual(['session_end', 'session', 'session', 'session_start']);
    expect(items[0]).toEqual({ name: 'session_end', sessionId: 'id-2', time: 60_000, properties: { duration: 60 } });
    expect(items[1]!.properties).toEqual({ started_at: 0, last_activity: 60_000, ended_at: 60_000 });
    expect(items.slice(2).map((item) => item.sessionId)).toEqual(['id-3', 'id-3']);
    expect(state).toMatchObject({ sessionId: 'id-3', sessionStartedAt: later, lastActivityAt: later, announced: 'id-3' });
  });

  it('does not end a session that was never announced (another tab, or nothing was tracked in it)', () => {
    const newId = ids();
    const quiet = newIdentity(newId, 0);
    expect(names(advance(quiet, SESSION_TIMEOUT_MS + 1, newId).items)).toEqual(['session', 'session_start']);
    expect(ending(quiet)).toEqual([]);
  });

  it('leaves a session another tab announced alone', () => {
    const newId = ids();
    const shared = { ...newIdentity(newId, 0), announced: 'id-2' };
    expect(advance(shared, 1000, newId).items).toEqual([]);
  });

  it('continues() says exactly when advance() has no items (the tracker then skips the copy)', () => {
    const newId = ids();
    const fresh = newIdentity(newId, 0);
    const announced = { ...fresh, announced: fresh.sessionId };
    for (const [state, now] of [[fresh, 10], [announced, 10], [announced, SESSION_TIMEOUT_MS], [announced, SESSION_TIMEOUT_MS + 1], [announced, -5]] as const) {
      expect(continues(state, now)).toBe(advance(state, now, newId).items.length === 0);
    }
  });
});
