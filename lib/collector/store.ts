import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { EventSender, StreamItem } from '../collector-stream';
import type { WireEvent } from '../wire/events';
import { countByName } from './query';

/** An accepted event, with its sequence number (the stream's id) and who posted it. */
export type ReceivedEvent = StreamItem;

/** Who posted a request's events (see ingest.ts, senderOf). */
export interface Poster {
  sender: EventSender;
  senderOrigin?: string;
}

export interface ReceivedRequest {
  at: number;
  method: string;
  path: string;
  siteId: string | null;
  body: unknown;
  status: number;
  /** Events in a bulk body, and how many of them were new. */
  events?: number;
  accepted?: number;
  fault?: string;
  /** X-Trodo-Call-Id of an /api/sdk/* call, and whether that id was seen before. */
  callId?: string;
  duplicate?: boolean;
}

/** What the collector holds and what it let go, for a long run to be read at a glance. */
export interface Summary {
  /** Events held now (at most `maxEvents`). */
  events: number;
  /** Events accepted since the start or the last reset, dropped ones included. */
  accepted: number;
  /** Oldest events let go to stay within `maxEvents`. */
  dropped: number;
  duplicates: number;
  maxEvents: number;
  requests: number;
  droppedRequests: number;
  /** Requests the guard refused (foreign Host, web origin, missing token). */
  refused: number;
  /** Events refused as invalid (each named with its reason in the 400 answer). */
  invalid: number;
  /** Held events of each name. */
  byEventName: Record<string, number>;
}

export interface StoreLimits {
  maxEvents: number;
  maxRequests: number;
}

/**
 * Accepted events (deduplicated by event_id, in arrival order) and the request log, both
 * bounded: past a cap the oldest go and are counted, so a long soak cannot exhaust memory.
 * Dedupe remembers four times as many ids as events are kept, so an event delivered again
 * after its first copy was dropped is still counted as a duplicate.
 */
export function createStore(limits: StoreLimits, dataFile?: string, onAccepted: (fresh: readonly ReceivedEvent[]) => void = () => {}) {
  const received: ReceivedEvent[] = [];
  const seen = new Set<string>();
  const dedupeWindow = limits.maxEvents * 4;
  let requests: ReceivedRequest[] = [];
  const counts = { accepted: 0, dropped: 0, duplicates: 0, droppedRequests: 0, refused: 0, invalid: 0 };
  /** The last sequence number given; never reset, so a stream client's Last-Event-ID stays meaningful. */
  let lastSeq = 0;

  function keep(item: ReceivedEvent) {
    lastSeq = Math.max(lastSeq, item.seq);
    seen.add(item.event.event_id);
    received.push(item);
    counts.accepted++;
  }

  function trim() {
    const excess = received.length - limits.maxEvents;
    if (excess > 0) {
      received.splice(0, excess);
      counts.dropped += excess;
    }
    // A Set iterates in insertion order: the first ids are the oldest.
    for (const id of seen) {
      if (seen.size <= dedupeWindow) break;
      seen.delete(id);
    }
  }

  if (dataFile && existsSync(dataFile)) {
    for (const line of readFileSync(dataFile, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      // Lines written before sequence numbers and senders were kept get them now, in file order.
      const item = JSON.parse(line) as Partial<ReceivedEvent> & Pick<ReceivedEvent, 'event' | 'siteId' | 'receivedAt'>;
      if (!seen.has(item.event.event_id)) keep({ ...item, seq: item.seq ?? lastSeq + 1, sender: item.sender ?? 'other' });
      if (received.length >= limits.maxEvents * 2) trim();
    }
    trim();
  }

  return {
    /** Takes valid events of one request; returns how many were new. */
    accept(events: readonly WireEvent[], siteId: string, poster: Poster = { sender: 'other' }): number {
      const fresh: ReceivedEvent[] = [];
      for (const event of events) {
        if (seen.has(event.event_id)) {
          counts.duplicates++;
          continue;
        }
        const item: ReceivedEvent = { seq: lastSeq + 1, event, siteId, receivedAt: Date.now(), ...poster };
        keep(item);
        fresh.push(item);
      }
      if (dataFile && fresh.length) appendFileSync(dataFile, fresh.map((item) => `${JSON.stringify(item)}\n`).join(''));
      trim();
      if (fresh.length) onAccepted(fresh);
      return fresh.length;
    },
    record(entry: ReceivedRequest) {
      requests.push(entry);
      const excess = requests.length - limits.maxRequests;
      if (excess > 0) {
        requests.splice(0, excess);
        counts.droppedRequests += excess;
      }
    },
    /** Whether a request other than `except` already answered this call id with a 2xx. */
    answeredCall(callId: string, except: ReceivedRequest): boolean {
      return requests.some((r) => r !== except && r.callId === callId && r.status >= 200 && r.status < 300);
    },
    countDuplicate() {
      counts.duplicates++;
    },
    countRefused() {
      counts.refused++;
    },
    countInvalid(n: number) {
      counts.invalid += n;
    },
    events: () => [...received],
    /** Held events after sequence number `after`, oldest first, at most `limit`. */
    since(after: number, limit = Infinity): ReceivedEvent[] {
      // Sequence numbers rise along `received`: search for the first one past `after`.
      let lo = 0;
      let hi = received.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (received[mid]!.seq <= after) lo = mid + 1;
        else hi = mid;
      }
      return received.slice(lo, lo + limit);
    },
    lastSeq: () => lastSeq,
    requests: () => [...requests],
    duplicates: () => counts.duplicates,
    summary: (): Summary => ({
      events: received.length,
      accepted: counts.accepted,
      dropped: counts.dropped,
      duplicates: counts.duplicates,
      maxEvents: limits.maxEvents,
      requests: requests.length,
      droppedRequests: counts.droppedRequests,
      refused: counts.refused,
      invalid: counts.invalid,
      byEventName: countByName(received),
    }),
    reset() {
      received.length = 0;
      seen.clear();
      requests = [];
      for (const key of Object.keys(counts) as (keyof typeof counts)[]) counts[key] = 0;
      if (dataFile) writeFileSync(dataFile, '');
    },
  };
}

export type Store = ReturnType<typeof createStore>;
