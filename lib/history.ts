import type { EventSender } from './collector-stream';
import type { TrodoEvent } from './event';
import type { PlanCheck } from './plan/types';

/**
 * Where an event is in its life. `queued` covers "held" too (no site id yet); the viewer
 * tells them apart from the worker's delivery state.
 */
export type DeliveryStatus = 'queued' | 'retrying' | 'sent' | 'dropped';

/** What the viewer shows as an event's status: a queued event of a site not sending is `held`. */
export type ViewStatus = DeliveryStatus | 'held';

/** One event and what became of it: the worker's history store and the viewer's rows. */
export interface HistoryRecord {
  id: string;
  event: TrodoEvent;
  tabId: number | null;
  origin: string;
  status: DeliveryStatus;
  /** The event's time (page code may set it with options.timestamp). */
  capturedAt: number;
  /** When the worker committed it to the queue; delivery age counts from here. */
  queuedAt: number;
  attempts: number;
  /** HTTP status of the last attempt, when there was an answer. */
  httpStatus?: number;
  lastError?: string;
  nextAttemptAt?: number;
  sentAt?: number;
  batchId?: string;
  /** Why the event was dropped, when it was. */
  reason?: string;
  /** How the event measured up to the tracking plan, when one is loaded and has a say on it. */
  plan?: PlanCheck;
  /**
   * `server`: an event the local collector received from elsewhere (the backend's Node SDK,
   * another client), read from its stream; never queued or sent by the extension, and with no
   * tab (`tabId` null): the viewer joins it to a tab by session and distinct id. Absent: a tab's.
   */
  source?: 'server';
  /** For a server record: when the collector received it, from whom, for which site id. */
  received?: { at: number; sender: EventSender; siteId: string };
}

/** Counts the viewer shows; `queued` is read from the queue, the rest are running totals. */
export interface DeliveryStats {
  captured: number;
  queued: number;
  sent: number;
  dropped: number;
}

/** What the flusher is doing now, for the viewer's status line. */
export interface DeliveryState {
  /** Set when nothing can be sent, and why (no site id, capture paused, …). */
  held?: string;
  inFlight: boolean;
  /** Consecutive failed attempts at the head batch. */
  failures: number;
  nextAttemptAt?: number;
  lastError?: string;
  lastSentAt?: number;
  /** Set when the queue cannot be kept durably (IndexedDB failed) and events live in memory. */
  degraded?: string;
}

/**
 * History at a glance, from the worker's digests (no record is read): the viewer's counters
 * and filter menus.
 */
export interface HistorySummary {
  /** Records in history. */
  total: number;
  retrying: number;
  /** Queued or retrying events of sites whose events are held (lib/sending.ts holdsBack), per origin. */
  heldByOrigin: Record<string, number>;
  origins: string[];
  categories: string[];
  /** Distinct event names, most frequent first, with how many of each. */
  names: { name: string; count: number }[];
}

export const EMPTY_SUMMARY: HistorySummary = { total: 0, retrying: 0, heldByOrigin: {}, origins: [], categories: [], names: [] };

export const EMPTY_STATS: DeliveryStats = { captured: 0, queued: 0, sent: 0, dropped: 0 };
