import type { BrowserContext, Route } from '@playwright/test';

/**
 * Chromium flag that makes every host but loopback unresolvable, browser-wide (service
 * worker and the browser's own requests included): the backstop that keeps the bench on
 * 127.0.0.1 even for a request page.route does not see.
 */
export const LOOPBACK_ONLY_ARG = '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1';

const isLoopback = (url: URL) => url.hostname === '127.0.0.1' || url.hostname === 'localhost' || url.hostname === '[::1]';

/**
 * Answers every page request to a non-loopback host locally: 200 `{}` for the official
 * Trodo SDK's fixed API host (so it behaves as if its server were there), aborted for
 * anything else. Both are counted by host, so the report shows what an SDK tried to reach.
 */
export async function guardNetwork(context: BrowserContext) {
  const attempts = new Map<string, number>();
  const answered = new Set(['sdkapi.trodo.ai']);
  await context.route(
    (url) => !isLoopback(url) && /^(https?|wss?):$/.test(url.protocol),
    async (route: Route) => {
      const url = new URL(route.request().url());
      attempts.set(url.hostname, (attempts.get(url.hostname) ?? 0) + 1);
      if (!answered.has(url.hostname)) return route.abort('blockedbyclient');
      const origin = (await route.request().headerValue('origin')) ?? '*';
      return route.fulfill({
        status: 200,
        contentType: 'application/json',
        headers: { 'Access-Control-Allow-Origin': origin, 'Access-Control-Allow-Credentials': 'true', 'Access-Control-Allow-Headers': '*' },
        body: '{}',
      });
    },
  );
  return {
    /** Requests to non-loopback hosts, by host. */
    attempts: () => Object.fromEntries(attempts),
    reset: () => attempts.clear(),
  };
}

/**
 * Counts requests to non-loopback hosts without intercepting any: for the extension's
 * browser, where nothing needs answering (the resolver flag above blocks them). A route
 * would pass every request, the worker's bulk posts included, through this process:
 * measured, that alone cut page → collector delivery by a quarter
 * (`lib/bench/delivery-only.ts`, 5 100 against 6 500 events/s).
 */
export function watchNetwork(context: BrowserContext) {
  const attempts = new Map<string, number>();
  context.on('request', (request) => {
    const url = new URL(request.url());
    if (!isLoopback(url) && /^(https?|wss?):$/.test(url.protocol)) attempts.set(url.hostname, (attempts.get(url.hostname) ?? 0) + 1);
  });
  return { attempts: () => Object.fromEntries(attempts) };
}
