import type { Emit } from './catalog';
import { on, patch, safely } from './guard';
import { cleanUrl } from './mask';

/**
 * network_error: fetch and XHR answers with status >= 400, and failures (status 0).
 * The page's calls go through untouched: the wrapper returns the original promise
 * object itself, so results, rejections and timing are the page's own. The extension's
 * deliveries run in its service worker, not here, so they never pass this patch.
 */
export function startNetwork(emit: Emit, signal: AbortSignal): void {
  const report = safely((url: unknown, method: string, status: number, started: number, status_text: string) =>
    emit('network_error', {
      url: cleanUrl(new URL(String(url), location.href).href),
      method: method.toUpperCase(),
      status,
      status_text,
      duration_ms: Math.round(performance.now() - started),
    }));

  patch(window, 'fetch', (original, active) =>
    function (this: unknown, input: RequestInfo | URL, init?: RequestInit) {
      const started = performance.now();
      const result = original.apply(this, [input, init] as Parameters<typeof fetch>);
      if (active()) {
        safely(() => {
          const url = input instanceof Request ? input.url : input;
          const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
          // A separate branch: handling the failure here leaves the page's promise untouched.
          result.then(
            (response) => response.status >= 400 && report(url, method, response.status, started, response.statusText || `HTTP ${response.status}`),
            (error: unknown) => report(url, method, 0, started, error instanceof Error ? error.name : 'network error'),
          );
        })();
      }
      return result;
    } as typeof fetch, signal);

  // One entry per XHR object, refreshed by each open/send: a reused XHR keeps one set of listeners.
  const requests = new WeakMap<XMLHttpRequest, { method: string; url: unknown; started: number }>();
  const done = (xhr: XMLHttpRequest, failure: string) => () => {
    const request = requests.get(xhr);
    if (request && (xhr.status >= 400 || (xhr.status === 0 && failure))) {
      report(request.url, request.method, xhr.status, request.started, xhr.status ? xhr.statusText || `HTTP ${xhr.status}` : failure);
    }
  };
  const proto = XMLHttpRequest.prototype;
  patch(proto, 'open', (original, active) =>
    function (this: XMLHttpRequest, ...args: unknown[]) {
      if (active()) safely(() => {
        if (!requests.has(this)) {
          on(this, 'load', done(this, ''), signal, false);
          on(this, 'error', done(this, 'XHR network error'), signal, false);
          on(this, 'timeout', done(this, 'XHR timeout'), signal, false);
        }
        requests.set(this, { method: String(args[0] ?? 'GET'), url: args[1], started: performance.now() });
      })();
      return (original as (...a: unknown[]) => void).apply(this, args);
    } as XMLHttpRequest['open'], signal);
  patch(proto, 'send', (original, active) =>
    function (this: XMLHttpRequest, body?: Document | XMLHttpRequestBodyInit | null) {
      const request = active() && requests.get(this);
      if (request) request.started = performance.now();
      return original.call(this, body);
    }, signal);
}
