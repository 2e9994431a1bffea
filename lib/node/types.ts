import type { BackoffPolicy } from '../delivery/backoff';

/**
 * Options of `trodo.init` / `createTrodo`, Trodo's server SDK options plus the bounds and
 * reporting this SDK adds.
 *
 * @example
 * trodo.init({ siteId: process.env.TRODO_SITE_ID!, batchEnabled: true, onError: (e) => log.warn(e.message) });
 */
export interface NodeOptions {
  siteId: string;
  /** Default `https://sdkapi.trodo.ai`. */
  apiHost?: string;
  /** Queue events and send them in bulk (at `batchSize`, every `batchFlushIntervalMs`, on `flush()`). Default false: one request per event, and `await track()` waits for the answer. */
  batchEnabled?: boolean;
  /** Default 50. */
  batchSize?: number;
  /** Default 5000. */
  batchFlushIntervalMs?: number;
  /** Send a `server_error` event for uncaught exceptions and unhandled rejections. Default false. */
  autoEvents?: boolean;
  /** Per request, ms. Default 10 000. */
  timeoutMs?: number;
  /** Events and calls held in memory at most; beyond it the oldest are dropped and counted. Default 100 000. */
  maxQueueSize?: number;
  /** Approximate bytes held in memory at most (JSON size). Default 64 MiB. */
  maxQueueBytes?: number;
  /** Hears everything that did not go as asked: bad input, drops, rejections, retries. Never required. */
  onError?: (error: TrodoError) => void;
  /** Log each problem and delivery step to stderr. */
  debug?: boolean;
  /** Retry schedule (full jitter); default 1 s doubling up to 30 s. */
  backoff?: BackoffPolicy;
}

/**
 * What went wrong, for `onError`.
 * - `invalid`: the call's input was unusable; nothing was queued.
 * - `dropped`: events left memory unsent (the queue bound), `count` of them.
 * - `rejected`: the server refused these events (400 naming them, or 413 for one event alone); not retried.
 * - `retrying`: a send failed (network, timeout, 408, 429, 5xx, other 4xx); the events stay queued.
 * - `closed`: a call after `shutdown()`.
 */
export interface TrodoError {
  kind: 'invalid' | 'dropped' | 'rejected' | 'retrying' | 'closed';
  message: string;
  count?: number;
}

/** What every call resolves to; no call ever rejects or throws. */
export interface CallResult {
  success: boolean;
  error?: string;
  /** Batched, or unbatched and waiting for a retry: the event is in the queue, not yet sent. */
  queued?: boolean;
  /** The event's id (its dedupe key), when one was made. */
  eventId?: string;
  /** What was changed in the input (stripped reserved names, converted values). */
  notes?: string[];
}

/** Totals since `init`, and what is still queued or in flight. */
export interface FlushResult {
  sent: number;
  /** Refused by the server (never retried). */
  failed: number;
  /** Dropped unsent by the memory bound. */
  dropped: number;
  pending: number;
}

export interface TrackOptions {
  /** Default `"custom"`. */
  category?: string;
  /** When it happened: a Date, epoch ms or a date string. Default now. */
  timestamp?: Date | number | string;
}

export type Severity = 'critical' | 'error' | 'warning';
