import type { Json } from '../json';
import type { HttpRequest } from '../wire/events';

/** What one HTTP attempt came to. */
export type HttpResult =
  | { kind: 'response'; status: number; retryAfter: string | null; body: Json | undefined }
  | { kind: 'failure'; error: string };

/** Per attempt, so that a changed setting applies to the next request. */
export interface SendOptions {
  timeoutMs?: number;
}

export type Transport = (request: HttpRequest, options?: SendOptions) => Promise<HttpResult>;

export const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * Sends with `fetch` and gives up after `timeoutMs`, aborting the request. Never throws:
 * network errors and timeouts are results like any other.
 */
export function fetchTransport(fetchImpl: typeof fetch, defaultTimeoutMs = DEFAULT_TIMEOUT_MS): Transport {
  return async (request, options = {}) => {
    const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), timeoutMs);
    try {
      const response = await fetchImpl(request.url, {
        method: request.method,
        headers: request.headers,
        body: request.body,
        signal: abort.signal,
        credentials: 'omit',
      });
      const text = await response.text();
      return { kind: 'response', status: response.status, retryAfter: response.headers.get('Retry-After'), body: parseJson(text) };
    } catch (error) {
      const message = abort.signal.aborted ? `timed out after ${timeoutMs / 1000} s` : `network error: ${errorMessage(error)}`;
      return { kind: 'failure', error: message };
    } finally {
      clearTimeout(timer);
    }
  };
}

function parseJson(text: string): Json | undefined {
  try {
    return text ? (JSON.parse(text) as Json) : undefined;
  } catch {
    return undefined;
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
