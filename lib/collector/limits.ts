/**
 * How much work one request, and the collector as a whole, may cost. Every bound is a
 * number here so a hostile or runaway client meets the same limits in the CLI and in tests.
 *
 * @example
 * startCollector({ maxEvents: 10_000, bodyTimeoutMs: 5_000 })
 */
export interface Limits {
  /** Largest body accepted, in bytes; larger gets 413. */
  maxBodyBytes: number;
  /** Most events in one bulk batch; more gets 413 (the extension then splits the batch). */
  maxBatchEvents: number;
  /** Deepest nesting of arrays and objects in a body; deeper gets 400 before it is parsed. */
  maxJsonDepth: number;
  /** Time to receive a request's headers; slower clients get 408 and are disconnected. */
  headersTimeoutMs: number;
  /** Time to receive a request's body once its headers are in; slower gets 408 and a closed connection. */
  bodyTimeoutMs: number;
  /** Accepted events kept in memory; past it the oldest are dropped and counted. */
  maxEvents: number;
  /** Requests kept in the request log (with their bodies); past it the oldest are dropped and counted. */
  maxRequests: number;
}

export const DEFAULT_LIMITS: Limits = {
  maxBodyBytes: 5 * 1024 * 1024,
  // The extension sends at most 500 events a batch, a bridge message holds at most 1 000.
  maxBatchEvents: 1000,
  // A wire event nests about 4 levels around properties the sanitiser caps at 6.
  maxJsonDepth: 32,
  headersTimeoutMs: 10_000,
  bodyTimeoutMs: 30_000,
  maxEvents: 50_000,
  maxRequests: 5_000,
};

/**
 * Whether JSON text nests arrays or objects deeper than `max`, found in one pass over the
 * text without parsing it: a hostile `[[[[…` costs a scan, never a parse (and the deep
 * recursion of stringifying it again later).
 */
export function nestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: the next character is escaped
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}
