import type { WireEvent } from './wire/events';

/**
 * The local collector's live feed, `GET /__collector/stream`, in one place: the collector
 * writes it, the extension's worker and tests read it. Server-Sent Events, one `event`
 * message per accepted event, its `id` the collector's sequence number, so that a client
 * that reconnects with `Last-Event-ID` gets exactly what it has not seen.
 *
 * @example
 * id: 42
 * event: event
 * data: {"seq":42,"sender":"node-sdk","siteId":"shop","receivedAt":1764741000000,"event":{…wire event…}}
 */
export const STREAM_PATH = '/__collector/stream';

/**
 * Query parameter: leave out the events the extension of this origin posted. Its worker
 * reads the stream for everyone else's events; writing its own back cost as much as the
 * rest of delivering them (a 10 000-event burst is ~12 MB of stream).
 *
 * @example /__collector/stream?exclude_origin=chrome-extension%3A%2F%2Fabc…
 */
export const EXCLUDE_ORIGIN_PARAM = 'exclude_origin';

/** Who posted an event: this project's extension (its Origin), the Node SDK (its User-Agent), anything else. */
export type EventSender = 'extension' | 'node-sdk' | 'other';

export interface StreamItem {
  /** Sequence number of the event at this collector: increasing, never reused (reset included). */
  seq: number;
  event: WireEvent;
  siteId: string;
  receivedAt: number;
  sender: EventSender;
  /** The `chrome-extension://…` origin of the extension that posted it, when one did. */
  senderOrigin?: string;
}

/**
 * A client asked to resume after `after`, but the oldest event held is `next` (the rest were
 * dropped over the collector's cap, or reset away): what lies between is gone.
 */
export interface StreamGap {
  after: number;
  next: number;
}

export type StreamMessage = { kind: 'event'; item: StreamItem } | { kind: 'gap'; gap: StreamGap };

/** One SSE message. JSON text has no raw newline, so `data` is one line. */
export function formatStreamItem(item: StreamItem): string {
  return `id: ${item.seq}\nevent: event\ndata: ${JSON.stringify(item)}\n\n`;
}

export function formatGap(gap: StreamGap): string {
  return `event: gap\ndata: ${JSON.stringify(gap)}\n\n`;
}

/** A comment line: keeps proxies and the client's dead-connection timer satisfied. */
export const HEARTBEAT = ': ping\n\n';

/**
 * Reads the stream as text arrives in arbitrary pieces; `feed` returns the messages that
 * the text completed. Unknown event types and unreadable data are skipped (a newer
 * collector may send more), comments ignored.
 */
export function streamParser() {
  let buffer = '';
  let type = 'message';
  let data: string[] = [];

  function dispatch(out: StreamMessage[]) {
    const text = data.join('\n');
    const kind = type;
    type = 'message';
    data = [];
    if (!text) return;
    try {
      const value = JSON.parse(text) as unknown;
      if (kind === 'event' && isStreamItem(value)) out.push({ kind: 'event', item: value });
      else if (kind === 'gap' && typeof value === 'object' && value !== null) out.push({ kind: 'gap', gap: value as StreamGap });
    } catch {
      // not JSON: not ours to read
    }
  }

  return {
    feed(chunk: string): StreamMessage[] {
      buffer += chunk;
      const out: StreamMessage[] = [];
      let end: number;
      while ((end = buffer.search(/\r\n|\r|\n/)) >= 0) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + (buffer.startsWith('\r\n', end) ? 2 : 1));
        if (line === '') dispatch(out);
        else if (line.startsWith(':')) continue;
        else {
          const colon = line.indexOf(':');
          const field = colon < 0 ? line : line.slice(0, colon);
          const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
          if (field === 'event') type = value;
          else if (field === 'data') data.push(value);
        }
      }
      return out;
    },
  };
}

function isStreamItem(value: unknown): value is StreamItem {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return Number.isInteger(v.seq) && typeof v.event === 'object' && v.event !== null && typeof v.receivedAt === 'number' && typeof v.siteId === 'string' &&
    (v.sender === 'extension' || v.sender === 'node-sdk' || v.sender === 'other');
}

/** How one connection to the stream ended. */
export type StreamEnd =
  | { kind: 'closed' }
  | { kind: 'aborted' }
  | { kind: 'refused'; status: number; error: string }
  | { kind: 'failed'; error: string };

/**
 * Reads the stream once, from `lastId`, until it ends, fails or `signal` aborts. Messages are
 * handed over in the order they came, a piece at a time; the next piece is read only after
 * `onMessages` settles, so a consumer that commits before it returns never falls behind
 * its own Last-Event-ID. `fetch` with a streaming body works in extension service workers,
 * where EventSource does not exist. Never throws.
 */
export async function readStream(
  fetchImpl: typeof fetch,
  url: string,
  lastId: number,
  signal: AbortSignal,
  onMessages: (messages: StreamMessage[]) => Promise<void> | void,
  /** The collector answered and the stream is open (it may have nothing to send for a while). */
  onOpen: () => void = () => {},
): Promise<StreamEnd> {
  try {
    const response = await fetchImpl(url, { headers: { Accept: 'text/event-stream', 'Last-Event-ID': String(lastId) }, signal, credentials: 'omit', cache: 'no-store' });
    if (!response.ok || !response.body) {
      const text = await response.text().catch(() => '');
      return { kind: 'refused', status: response.status, error: errorOf(text) ?? `HTTP ${response.status}` };
    }
    onOpen();
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    const parser = streamParser();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return { kind: 'closed' };
      const messages = parser.feed(value);
      if (messages.length) await onMessages(messages);
    }
  } catch (error) {
    if (signal.aborted) return { kind: 'aborted' };
    return { kind: 'failed', error: error instanceof Error ? error.message : String(error) };
  }
}

function errorOf(text: string): string | null {
  try {
    const body = JSON.parse(text) as { error?: unknown };
    return typeof body.error === 'string' ? body.error : null;
  } catch {
    return null;
  }
}
