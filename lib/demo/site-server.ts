import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json' };

/** A site's own backend: `'POST /api/checkout'` → handler. */
export type SiteRoutes = Record<string, (req: IncomingMessage, res: ServerResponse) => void | Promise<void>>;

/**
 * Serves a folder of fixture pages on 127.0.0.1. A page named `*.csp.html` is served with
 * `Content-Security-Policy: script-src 'self'`, as a strict site would be. `routes` are the
 * site's backend, on the same origin as its pages (the demo shop's checkout).
 */
export async function startSiteServer(root: string, port = 0, routes: SiteRoutes = {}) {
  const server = createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://site').pathname;
    const route = routes[`${req.method} ${path}`];
    if (route) {
      try {
        return await route(req, res);
      } catch (error) {
        return void res.writeHead(500, { 'Content-Type': 'text/plain' }).end(String(error));
      }
    }
    const file = normalize(join(root, path.endsWith('/') ? `${path}index.html` : path));
    if (!file.startsWith(normalize(root))) return void res.writeHead(403).end();
    try {
      const body = await readFile(file);
      const headers: Record<string, string> = { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-store' };
      if (file.endsWith('.csp.html')) headers['Content-Security-Policy'] = "script-src 'self'";
      res.writeHead(200, headers).end(body);
    } catch {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}`,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
