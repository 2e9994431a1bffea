import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

/**
 * Stands in for the peers' ingestion APIs on 127.0.0.1: answers every request 200 (with
 * the CORS headers a credentialed request needs), counts requests by path, and counts the
 * events of JSON batch bodies (`{ batch: [...] }`, gzip or not: PostHog's and Segment's
 * server SDKs) with their ids, so that the Node SDK bench sees loss and duplicates.
 */
export async function startSink() {
  const counts = new Map<string, number>();
  const ids = new Set<string>();
  let events = 0;
  const server = createServer((req, res) => {
    const origin = req.headers.origin ?? '*';
    const headers = {
      'Access-Control-Allow-Origin': origin,
      'Access-Control-Allow-Credentials': 'true',
      'Access-Control-Allow-Headers': req.headers['access-control-request-headers'] ?? '*',
      'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
      'Content-Type': 'application/json',
    };
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.method !== 'OPTIONS') {
        const path = new URL(req.url ?? '/', 'http://sink').pathname;
        counts.set(path, (counts.get(path) ?? 0) + 1);
        countBatch(Buffer.concat(chunks), req.headers['content-encoding']);
      }
      // Mixpanel reads `1` or {status: 1}; the others only look at the status code.
      res.writeHead(200, headers).end('{"status":1}');
    });
  });

  function countBatch(body: Buffer, encoding: string | undefined) {
    try {
      const json = JSON.parse((encoding === 'gzip' ? gunzipSync(body) : body).toString('utf8')) as { batch?: { uuid?: string; messageId?: string }[] };
      if (!Array.isArray(json.batch)) return;
      events += json.batch.length;
      for (const event of json.batch) ids.add(event.uuid ?? event.messageId ?? '');
    } catch {
      // Not a JSON batch (the browser peers' other formats): only the request is counted.
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => [...counts.values()].reduce((a, b) => a + b, 0),
    /** Events in JSON batch bodies, and how many distinct ids they had. */
    events: () => ({ received: events, unique: ids.size }),
    reset: () => {
      counts.clear();
      ids.clear();
      events = 0;
    },
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
