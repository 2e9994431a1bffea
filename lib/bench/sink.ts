import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Stands in for the peers' ingestion APIs on 127.0.0.1: answers every request 200 (with
 * the CORS headers a credentialed request needs) and counts requests by path.
 */
export async function startSink() {
  const counts = new Map<string, number>();
  const server = createServer((req, res) => {
    const origin = req.headers.origin ?? '*';
    const headers = {
      'Access-Control-Allow-Origin': origin,
      'Access-Control-Allow-Credentials': 'true',
      'Access-Control-Allow-Headers': req.headers['access-control-request-headers'] ?? '*',
      'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
      'Content-Type': 'application/json',
    };
    req.resume();
    req.on('end', () => {
      if (req.method !== 'OPTIONS') {
        const path = new URL(req.url ?? '/', 'http://sink').pathname;
        counts.set(path, (counts.get(path) ?? 0) + 1);
      }
      // Mixpanel reads `1` or {status: 1}; the others only look at the status code.
      res.writeHead(200, headers).end('{"status":1}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => [...counts.values()].reduce((a, b) => a + b, 0),
    reset: () => counts.clear(),
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
