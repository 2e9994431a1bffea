import type { IncomingMessage, ServerResponse } from 'node:http';

export type Body = { kind: 'ok'; text: string } | { kind: 'too-large' } | { kind: 'timeout' };

/**
 * A request's body as text, holding at most `maxBytes` in memory (a larger body is read to
 * its end and discarded, so the client still gets its 413) and waiting at most `deadlineMs`
 * for it (a client that trickles its body, slow-loris style, gets `timeout`).
 */
export function readBody(req: IncomingMessage, maxBytes: number, deadlineMs: number): Promise<Body> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const timer = setTimeout(() => resolve({ kind: 'timeout' }), deadlineMs);
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
      else chunks.length = 0;
    });
    req.on('end', () => {
      clearTimeout(timer);
      resolve(size > maxBytes ? { kind: 'too-large' } : { kind: 'ok', text: Buffer.concat(chunks).toString('utf8') });
    });
    req.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/** Answers 408 and closes the connection: the rest of a late body is not waited for. */
export function sendTimeout(req: IncomingMessage, res: ServerResponse, headers: Record<string, string> = {}) {
  send(res, 408, { error: 'request body too slow' }, { ...headers, Connection: 'close' });
  res.on('finish', () => req.socket.destroy());
}

export function send(res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...headers });
  res.end(body === undefined ? undefined : JSON.stringify(body));
}

export function header(req: IncomingMessage, name: string): string | null {
  const value = req.headers[name.toLowerCase()];
  return typeof value === 'string' && value ? value : null;
}
