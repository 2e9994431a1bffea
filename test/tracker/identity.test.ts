import { describe, expect, it } from 'vitest';
import { SESSION_TIMEOUT_MS, isIdentity, newIdentity, type Identity } from '../../lib/tracker/identity';
import { advance } from '../../lib/tracker/session';

/** Activity at `now` through the tracker's session step, kept in `identity`; true when it started a new session. */
function touchSession(identity: Identity, now: number, newId: () => string): boolean {
  const before = identity.sessionId;
  Object.assign(identity, advance(identity, now, newId).state);
  return identity.sessionId !== before;
}

function ids() {
  let n = 0;
  return () => `id-${++n}`;
}

describe('identity and sessions', () => {
  it('starts anonymous: an anonymous distinct id in the official SDK’s form, a fresh session', () => {
    const identity = newIdentity(ids(), 1000);
    expect(identity).toEqual({ anonymousId: 'id-1', distinctId: expect.stringMatching(/^anon_1000_id-1_[a-z0-9]+$/), sessionId: 'id-2', sessionStartedAt: 1000, lastActivityAt: 1000 });
    expect(isIdentity(identity)).toBe(true);
  });

  it('uses the documented 30-minute timeout (not the official SDK 2 minutes)', () => {
    expect(SESSION_TIMEOUT_MS).toBe(30 * 60 * 1000);
  });

  it('keeps the session over gaps shorter than 30 minutes, however many', () => {
    const newId = ids();
    const identity = newIdentity(newId, 0);
    let t = 0;
    for (let i = 0; i < 10; i++) {
      t += 29 * 60 * 1000;
      expect(touchSession(identity, t, newId)).toBe(false);
    }
    expect(identity.sessionId).toBe('id-2');
    expect(identity.sessionStartedAt).toBe(0);
    expect(identity.lastActivityAt).toBe(t);
  });

  it('keeps the session at exactly 30 minutes', () => {
    const newId = ids();
    const identity = newIdentity(newId, 0);
    expect(touchSession(identity, SESSION_TIMEOUT_MS, newId)).toBe(false);
    expect(identity.sessionId).toBe('id-2');
  });

  it('starts a new session after more than 30 minutes of inactivity', () => {
    const newId = ids();
    const identity = newIdentity(newId, 0);
    const distinct = identity.distinctId;
    touchSession(identity, 10_000, newId);
    const later = 10_000 + SESSION_TIMEOUT_MS + 1;
    expect(touchSession(identity, later, newId)).toBe(true);
    expect(identity.sessionId).toBe('id-3');
    expect(identity.sessionStartedAt).toBe(later);
    expect(identity.lastActivityAt).toBe(later);
    // The visitor is the same person.
    expect(identity.anonymousId).toBe('id-1');
    expect(identity.distinctId).toBe(distinct);
  });

  it('does not move last activity backwards when the clock does', () => {
    const newId = ids();
    const identity = newIdentity(newId, 100_000);
    expect(touchSession(identity, 50_000, newId)).toBe(false);
    expect(identity.lastActivityAt).toBe(100_000);
  });

  it('isIdentity refuses incomplete or mistyped values', () => {
    const ok = newIdentity(ids(), 0);
    expect(isIdentity(null)).toBe(false);
    expect(isIdentity('x')).toBe(false);
    expect(isIdentity({ ...ok, sessionId: 3 })).toBe(false);
    expect(isIdentity({ ...ok, lastActivityAt: '0' })).toBe(false);
    const { distinctId: _, ...missing } = ok;
    expect(isIdentity(missing)).toBe(false);
  });
});
