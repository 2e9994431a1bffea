import { describe, expect, it } from 'vitest';
import { fetchTransport } from '../../lib/delivery/transport';

const request = { url: 'http://collector.test/api/events/bulk', method: 'POST' as const, headers: {}, body: '{"events":[]}' };

/** A fetch that never answers, but gives up when its signal aborts, as the real one does. */
const hangingFetch = ((_url: string, init?: RequestInit) =>
  new Promise((_, reject) => init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))))) as typeof fetch;

describe('fetchTransport timeouts', () => {
  it('aborts a request with no answer after the per-request timeout and reports it as a failure', async () => {
    const started = Date.now();
    const result = await fetchTransport(hangingFetch)(request, { timeoutMs: 50 });
    expect(result).toEqual({ kind: 'failure', error: 'timed out after 0.05 s' });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('reports a network error as a failure, never a throw', async () => {
    const failing = (() => Promise.reject(new TypeError('Failed to fetch'))) as typeof fetch;
    expect(await fetchTransport(failing)(request)).toEqual({ kind: 'failure', error: 'network error: Failed to fetch' });
  });
});
