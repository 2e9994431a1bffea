/**
 * A token bucket: `capacity` tokens at most, refilled at `perSecond`. Used where a page can
 * push work at the extension (events through the bridge, events into the worker), so that a
 * flooding page is slowed to a rate the rest of the extension can absorb.
 *
 * @example
 * const events = tokenBucket({ capacity: 20_000, perSecond: 10_000 }, Date.now);
 * if (!events.take(message.events.length)) refuse(`retry in ${events.waitMs(n)} ms`);
 */
export interface BucketLimits {
  capacity: number;
  perSecond: number;
}

export function tokenBucket(limits: BucketLimits, now: () => number) {
  let tokens = limits.capacity;
  let at = now();

  function refill() {
    const t = now();
    tokens = Math.min(limits.capacity, tokens + ((t - at) / 1000) * limits.perSecond);
    at = t;
  }

  return {
    /** Takes `n` tokens if there are that many; otherwise takes none. */
    take(n: number): boolean {
      refill();
      if (n > tokens) return false;
      tokens -= n;
      return true;
    },
    /** How long until `n` tokens are there (0 if they are now; Infinity past the capacity). */
    waitMs(n: number): number {
      refill();
      if (n > limits.capacity) return Infinity;
      return Math.max(0, Math.ceil(((n - tokens) / limits.perSecond) * 1000));
    },
  };
}
