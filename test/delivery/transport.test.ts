import { afterEach, describe, expect, it } from 'vitest';
import { startCollector, type Collector } from '../../lib/collector/server';
import { bulkRequest } from '../../lib/wire/events';
import { fetchTransport } from '../../lib/delivery/transport';
import { makeEvent } from '../helpers';

let collector: Collector | null = null;
afterEach(async () => {
  await collector?.close();
  collector = null;
});

describe('fetchTransport (against the local collector)', () => {
  it('returns the status and parsed JSON body of a response', async () => {
    collector = await startCollector({ port: 0 });
    const result = await fetchTransport(fetch)(bulkRequest(collector.url, 'site-1', [makeEvent()]));
    expect(result).toEqual({ kind: 'response', status: 200, retryAfter: null, body: { success: true, accepted: 1, duplicates: 0 } });
  });

  it('passes Retry-After through', async () => {
    collector = await startCollector({ port: 0 });
    collector.faults([{ status: 429, retryAfter: '7' }]);
    const result = await fetchTransport(fetch)(bulkRequest(collector.url, 'site-1', [makeEvent()]));
    expect(result).toMatchObject({ kind: 'response', status: 429, retryAfter: '7' });
  });

  it('turns a dropped connection into a network-error result instead of throwing', async () => {
    collector = await startCollector({ port: 0 });
    collector.faults([{ drop: true }]);
    const result = await fetchTransport(fetch)(bulkRequest(collector.url, 'site-1', [makeEvent()]));
    expect(result).toMatchObject({ kind: 'failure', error: expect.stringMatching(/^network error: /) });
  });

  it('gives up after the timeout', async () => {
    collector = await startCollector({ port: 0 });
    collector.faults([{ delayMs: 300 }]);
    const result = await fetchTransport(fetch, 50)(bulkRequest(collector.url, 'site-1', [makeEvent()]));
    expect(result).toEqual({ kind: 'failure', error: 'timed out after 0.05 s' });
  });

  it('reads a non-JSON body as undefined', async () => {
    const fakeFetch = (async () => new Response('<html>bad gateway</html>', { status: 502 })) as typeof fetch;
    const result = await fetchTransport(fakeFetch)(bulkRequest('https://h.test', 's', []));
    expect(result).toEqual({ kind: 'response', status: 502, retryAfter: null, body: undefined });
  });

  it('sends no cookies or credentials', async () => {
    let init: RequestInit | undefined;
    const spyFetch = (async (_url: unknown, options?: RequestInit) => {
      init = options;
      return new Response('{}', { status: 200 });
    }) as typeof fetch;
    await fetchTransport(spyFetch)(bulkRequest('https://h.test', 's', []));
    expect(init).toMatchObject({ method: 'POST', credentials: 'omit' });
    expect(init!.signal).toBeInstanceOf(AbortSignal);
  });
});
