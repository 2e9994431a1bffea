import { EXCLUDE_ORIGIN_PARAM, STREAM_PATH, readStream, type StreamEnd, type StreamItem, type StreamMessage } from '../collector-stream';
import type { HistoryRecord } from '../history';
import { isUuid } from '../ids';
import { trodoEventProblem, type ServerFeedState } from '../protocol';
import { isLoopbackHost } from '../sending';
import { fromWireEvent, joinUrl } from '../wire/events';


export interface ServerFeedDeps {
  fetch: typeof fetch;
  apiHost: () => string;
  /** This extension's origin: its own events come back on the stream and are skipped. */
  ownOrigin: string;
  /** The stream id last recorded, kept in the worker's store so that a restarted worker resumes there. */
  readLastId: () => Promise<number | undefined>;
  writeLastId: (id: number) => Promise<void>;
  /** Stores the records durably (and shows them); resolves once they are committed. */
  record: (records: HistoryRecord[]) => Promise<void>;
  onState: (state: ServerFeedState) => void;
  now: () => number;
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  log: (message: string) => void;
}

const RETRY_BASE_MS = 1000;
/**
 * How often the stream id is kept after messages that held none but this extension's own
 * events: reading those again after a restart changes nothing. A burst of 10 000 sent events
 * came back as ~120 such messages, each a write in line with the queue's own.
 */
const OWN_ONLY_ID_EVERY_MS = 1000;
const RETRY_CAP_MS = 30_000;

/**
 * The one timeline's worker half: while the ingestion host is a collector on loopback, reads
 * its stream (lib/collector-stream.ts) and records every event this extension did not send as
 * a `server` history record.
 *
 * Durable, not long-lived: records are committed before the stream id is, so a worker stopped
 * at any point resumes from the last committed id at its next start and at worst reads again
 * events it has already recorded, which the store skips by event id. Nothing here keeps the
 * worker alive: while it sleeps the stream is closed, and the events that came meanwhile
 * arrive as the backlog of the next connection (an open viewer's port reconnects and wakes
 * it at once; otherwise the flush alarm wakes it within 30 s).
 */
export function createServerFeed(deps: ServerFeedDeps) {
  let run: AbortController | null = null;
  let state: ServerFeedState = { kind: 'off', why: 'not started' };
  let idKeptAt = -Infinity;

  function set(next: ServerFeedState) {
    if (JSON.stringify(next) === JSON.stringify(state)) return;
    state = next;
    deps.onState(next);
  }

  async function loop(signal: AbortSignal) {
    let failures = 0;
    while (!signal.aborted) {
      const host = deps.apiHost();
      if (!isLoopbackHost(host)) return set({ kind: 'off', why: `the ingestion host ${host} is not a local collector` });
      set({ kind: 'connecting' });
      const after = (await deps.readLastId().catch(() => undefined)) ?? 0;
      // Its own events are left out by the collector (and skipped here too, should an older one send them).
      const url = `${joinUrl(host, STREAM_PATH)}?${EXCLUDE_ORIGIN_PARAM}=${encodeURIComponent(deps.ownOrigin)}`;
      // Live once the collector answers: with the extension's own events left out, the
      // stream may carry nothing until a server event comes.
      const live = () => {
        set({ kind: 'live' });
        failures = 0;
      };
      const end = await readStream(deps.fetch, url, after, signal, take, live);
      if (signal.aborted) return;
      failures++;
      const wait = Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** Math.min(failures - 1, 10));
      set({ kind: 'unavailable', error: describeEnd(end), retryAt: deps.now() + wait });
      await deps.sleep(wait, signal);
    }
  }

  async function take(messages: StreamMessage[]) {
    const items: StreamItem[] = [];
    for (const m of messages) {
      if (m.kind === 'event') items.push(m.item);
      else deps.log(`the collector let events ${m.gap.after + 1}–${m.gap.next - 1} go before they were read (its maxEvents); they are not in the timeline`);
    }
    const records = items.flatMap((item) => serverRecord(item, deps.ownOrigin, deps.log) ?? []);
    if (records.length) await deps.record(records);
    const last = items.at(-1)?.seq;
    if (last === undefined || (!records.length && deps.now() - idKeptAt < OWN_ONLY_ID_EVERY_MS)) return;
    await deps.writeLastId(last);
    idKeptAt = deps.now();
  }

  return {
    /** Subscribes (again) with the settings in force; safe to call at any time. */
    restart() {
      run?.abort();
      const current = (run = new AbortController());
      void loop(current.signal).catch((error) => deps.log(`server events: ${String(error)}`));
    },
    stop() {
      run?.abort();
      run = null;
    },
    state: () => state,
  };
}

/** The history record of a stream item, or null for this extension's own events and unusable ones. */
export function serverRecord(item: StreamItem, ownOrigin: string, log: (message: string) => void = () => {}): HistoryRecord | null {
  if (item.sender === 'extension' && item.senderOrigin === ownOrigin) return null;
  const event = fromWireEvent(item.event);
  // The stream is the collector's, but anything on this machine can post to it: same checks as a page's events.
  const problem = isUuid(event.id) ? trodoEventProblem(event) : 'event_id is not a UUID';
  if (problem) {
    log(`server event ${item.seq} (${String(item.event.event_name)}) not shown: ${problem}`);
    return null;
  }
  return {
    id: event.id, event, tabId: null, origin: '', status: 'sent', capturedAt: event.time, queuedAt: item.receivedAt, attempts: 0,
    source: 'server', received: { at: item.receivedAt, sender: item.sender, siteId: item.siteId },
  };
}

function describeEnd(end: StreamEnd): string {
  switch (end.kind) {
    case 'refused':
      return end.status === 404 ? 'the ingestion host has no event stream (not a Trodo QA collector?)' : `the collector refused the stream: ${end.error}`;
    case 'failed':
      return `the collector is unreachable (${end.error})`;
    case 'closed':
      return 'the collector closed the stream';
    case 'aborted':
      return 'stopped';
  }
}
