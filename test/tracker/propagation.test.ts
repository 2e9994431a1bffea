import { describe, expect, it } from 'vitest';
import { readPropagation } from '../../lib/propagation';
import { trackerHarness } from './harness';

describe('Trodo.getPropagationHeaders', () => {
  it('is {} before the state has loaded, then carries the session and distinct id; after identify the identified id', async () => {
    const h = trackerHarness();
    expect(h.T.getPropagationHeaders()).toEqual({});
    h.T.track('first');
    await h.T.ready();
    await h.settle();
    const { sessionId, distinctId } = h.T.getSessionData();
    const before = h.T.getPropagationHeaders();
    expect(before).toEqual({ 'X-Trodo-Session-Id': sessionId, 'X-Trodo-Distinct-Id': distinctId });
    expect(readPropagation({ headers: before })).toEqual({ ok: true, sessionId, distinctId });

    void h.T.identify('zoë@example.com');
    await h.settle();
    const after = h.T.getPropagationHeaders();
    // Encoded, so that fetch() takes it as a header value; the server decodes it.
    expect(after['X-Trodo-Distinct-Id']).toBe('id_zo%C3%AB%40example.com');
    expect(() => new Headers(after)).not.toThrow();
    expect(readPropagation(new Request('http://x/', { headers: after }))).toEqual({ ok: true, sessionId, distinctId: 'id_zoë@example.com' });
  });
});
