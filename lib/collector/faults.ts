/**
 * Ways the collector can be told to fail, so tests drive the extension's real retry paths.
 *
 * @example
 * [{ status: 503, times: 20 }, { status: 429, retryAfter: '2', times: 3 }]
 */
export interface Fault {
  /** Answer with this status instead of taking the request. */
  status?: number;
  retryAfter?: string;
  /** JSON body to send with `status`. */
  body?: unknown;
  /** Wait this long before handling the request (normally, unless `status`/`drop` is set too). */
  delayMs?: number;
  /** Destroy the connection without an answer. */
  drop?: boolean;
  /** Only for batches of more than this many events (for 413). */
  overEvents?: number;
  /**
   * Only for batches holding an event with one of these `event_name`s: answer 400 naming
   * those events as invalid (`{ invalid: [{ event_id, reason }] }`), as a server whose
   * validation rejects them would. Nothing in that request is taken.
   */
  rejectEventNames?: string[];
  /** How many requests this fault applies to; default 1. */
  times?: number;
  /** Path it applies to; default `/api/events/bulk`. */
  path?: string;
}

/** A queue of faults used up in order, plus an optional random failure rate. */
export function createFaultPlan(random: () => number = Math.random) {
  let faults: (Fault & { left: number })[] = [];
  let failRate = 0;
  let failStatus = 503;

  return {
    set(next: Fault[], rate = 0, rateStatus = 503) {
      faults = next.map((f) => ({ ...f, left: f.times ?? 1 }));
      failRate = rate;
      failStatus = rateStatus;
    },
    /** The fault for this request, if any; consumes one use of it. */
    take(path: string, eventCount: number, eventNames: readonly unknown[] = []): Fault | null {
      const index = faults.findIndex(
        (f) =>
          (f.path ?? '/api/events/bulk') === path &&
          (f.overEvents === undefined || eventCount > f.overEvents) &&
          (f.rejectEventNames === undefined || eventNames.some((name) => f.rejectEventNames!.includes(name as string))),
      );
      if (index >= 0) {
        const fault = faults[index]!;
        // A size rule (overEvents) stays until its uses run out; others are used in order.
        if (--fault.left <= 0) faults.splice(index, 1);
        return fault;
      }
      if (failRate > 0 && path === '/api/events/bulk' && random() < failRate) return { status: failStatus };
      return null;
    },
    pending: () => faults.reduce((n, f) => n + f.left, 0),
  };
}
