import type { IncomingMessage, ServerResponse } from 'node:http';
import { EXCLUDE_ORIGIN_PARAM, HEARTBEAT, formatGap, formatStreamItem } from '../collector-stream';
import type { Store } from './store';

/** Streams open at once at most; more get 503 (each holds a socket). */
export const MAX_STREAMS = 64;
const HEARTBEAT_MS = 15_000;
/** Events written per step before checking whether the client keeps up. */
const STEP = 256;

interface Subscriber {
  res: ServerResponse;
  /** The extension origin whose own events this client does not want (EXCLUDE_ORIGIN_PARAM). */
  exclude: string | null;
  /** The last sequence number written to this client. */
  cursor: number;
  /** Waiting for 'drain': the client reads slower than events come. */
  blocked: boolean;
}

/**
 * GET /__collector/stream: every accepted event, live, as Server-Sent Events (format in
 * lib/collector-stream.ts). A client sends `Last-Event-ID` (or `?after=`) to resume.
 *
 * Each client has a cursor into the store, and is written from it: the backlog and the live
 * events are one sequence, so none falls between them, none is written twice, and a client
 * that reads slowly is written as fast as it reads (the collector buffers nothing for it).
 * Events the store let go before a slow client got them are announced as a `gap`.
 */
export function createStreams(store: Store) {
  const open = new Set<Subscriber>();
  const heartbeat = setInterval(() => {
    for (const s of open) if (!s.blocked) s.res.write(HEARTBEAT);
  }, HEARTBEAT_MS);
  heartbeat.unref();

  function pump(s: Subscriber) {
    while (!s.blocked && !s.res.destroyed) {
      const items = store.since(s.cursor, STEP);
      if (!items.length) return;
      const first = items[0]!.seq;
      let text = first > s.cursor + 1 && s.cursor > 0 ? formatGap({ after: s.cursor, next: first }) : '';
      for (const item of items) if (!(s.exclude && item.sender === 'extension' && item.senderOrigin === s.exclude)) text += formatStreamItem(item);
      s.cursor = items.at(-1)!.seq;
      if (text) s.blocked = !s.res.write(text);
    }
  }

  return {
    /** Answers a stream request that passed the guard; `headers` are the guard's. */
    attach(req: IncomingMessage, res: ServerResponse, url: URL, headers: Record<string, string>) {
      const after = resumePoint(req, url, store.lastSeq());
      const json = { ...headers, 'Content-Type': 'application/json' };
      if (after === null) return void res.writeHead(400, json).end(JSON.stringify({ error: 'Last-Event-ID (or ?after=) must be a whole number' }));
      if (open.size >= MAX_STREAMS) return void res.writeHead(503, { ...json, 'Retry-After': '5' }).end(JSON.stringify({ error: `${MAX_STREAMS} streams are open already` }));
      res.writeHead(200, { ...headers, 'Content-Type': 'text/event-stream; charset=utf-8', Connection: 'keep-alive' });
      // A reconnecting client waits 1 s, not the 3 s EventSource would by default.
      res.write('retry: 1000\n\n');
      const s: Subscriber = { res, exclude: url.searchParams.get(EXCLUDE_ORIGIN_PARAM), cursor: after, blocked: false };
      open.add(s);
      req.socket.setTimeout(0); // a quiet stream is not an idle request
      res.on('drain', () => {
        s.blocked = false;
        pump(s);
      });
      res.on('close', () => open.delete(s));
      pump(s);
    },
    /** Called after each request's events were accepted. */
    offer() {
      for (const s of open) pump(s);
    },
    size: () => open.size,
    close() {
      clearInterval(heartbeat);
      for (const s of open) s.res.end();
      open.clear();
    },
  };
}

export type Streams = ReturnType<typeof createStreams>;

/**
 * Where to resume: after the client's last id, or after 0 (everything held) when it has none.
 * An id above any this collector gave comes from an earlier run without a data file (its
 * numbers started again): everything held is new to that client.
 */
function resumePoint(req: IncomingMessage, url: URL, lastSeq: number): number | null {
  const given = req.headers['last-event-id'] ?? url.searchParams.get('after') ?? '0';
  if (typeof given !== 'string' || !/^\d{1,15}$/.test(given.trim())) return null;
  const after = Number(given.trim());
  return after > lastSeq ? 0 : after;
}
