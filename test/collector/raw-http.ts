import { request } from 'node:http';
import { connect, type Socket } from 'node:net';

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/**
 * A request with headers fetch will not send (Host, Sec-Fetch-Site), as a browser after DNS
 * rebinding or a hand-made client would.
 */
export function raw(port: number, path: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: options.headers ?? {} }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Names of the CORS headers in an answer. */
export const corsHeaders = (answer: RawAnswer) => Object.keys(answer.headers).filter((name) => name.startsWith('access-control-'));

/** Writes `text` on a fresh connection and resolves with all it got back once the server closes it. */
export function trickle(port: number, text: string): { socket: Socket; closed: Promise<{ received: string; afterMs: number }> } {
  const started = performance.now();
  const socket = connect(port, '127.0.0.1');
  let received = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => (received += chunk));
  socket.write(text);
  const closed = new Promise<{ received: string; afterMs: number }>((resolve) => {
    socket.on('close', () => resolve({ received, afterMs: performance.now() - started }));
    socket.on('error', () => {});
  });
  return { socket, closed };
}
