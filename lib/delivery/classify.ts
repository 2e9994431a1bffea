import { isPlainObject } from '../json';
import { rejectedEventIds } from '../wire/events';
import { parseRetryAfter } from './backoff';
import type { HttpResult } from './transport';

/** What to do with a batch after one attempt. One `switch` in the flusher handles each kind. */
export type Outcome =
  | { kind: 'sent'; status: number }
  /** 400/422: drop the named events (or, if none are named, the whole batch). */
  | { kind: 'rejected'; status: number; reason: string; invalid: Map<string, string> }
  /** 413: send smaller batches. */
  | { kind: 'split'; status: number }
  /** Try again later: `afterMs` when the server said when (429 Retry-After), else backoff. */
  | { kind: 'retry'; status?: number; reason: string; afterMs: number | null };

export interface ClassifyPolicy {
  /**
   * Retry 4xx other than 400/413/422/429 (401, 403, 404, …). The extension does (default): a
   * wrong site id or host is a setting the QA engineer fixes, and the events wait visibly. The
   * Node SDK does not: a server process has no one watching, so they are refused and reported.
   */
  retryClientErrors?: boolean;
}

export function classify(result: HttpResult, now: number, policy: ClassifyPolicy = {}): Outcome {
  if (result.kind === 'failure') return { kind: 'retry', reason: result.error, afterMs: null };
  const { status } = result;
  if (status >= 200 && status < 300) return { kind: 'sent', status };
  const reason = `HTTP ${status}${serverMessage(result.body)}`;
  switch (status) {
    case 400:
    case 422:
      return { kind: 'rejected', status, reason, invalid: rejectedEventIds(result.body) };
    case 413:
      return { kind: 'split', status };
    case 429:
      return { kind: 'retry', status, reason, afterMs: parseRetryAfter(result.retryAfter, now) };
    default:
      // 408, 5xx, and also 401/403/404: a wrong site id or host is a setting to fix, not a
      // reason to throw events away, so they wait (visibly) like any other failure.
      if (policy.retryClientErrors === false && status >= 400 && status < 500 && status !== 408) {
        return { kind: 'rejected', status, reason, invalid: new Map() };
      }
      return { kind: 'retry', status, reason, afterMs: null };
  }
}

function serverMessage(body: unknown): string {
  if (isPlainObject(body)) {
    const message = body.error ?? body.message;
    if (typeof message === 'string' && message) return `: ${message.slice(0, 200)}`;
  }
  return '';
}
