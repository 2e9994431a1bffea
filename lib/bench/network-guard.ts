import type { BrowserContext, Route } from '@playwright/test';

/**
 * Chromium flag that makes every host but loopback unresolvable, browser-wide (service
 * worker and the browser's own requests included): the backstop that keeps the bench on
 * 127.0.0.1 even for a request page.route does not see.
 */
export const LOOPBACK_ONLY_ARG = '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1';

const isLoopback = (url: URL) => url.hostname === '127.0.0.1' || url.hostname === 'localhost' || url.hostname === '[::1]';
const isOffLoopback = (url: URL) => !isLoopback(url) && /^(https?|wss?):$/.test(url.protocol);

/**
 * Counts the requests a browser makes to non-loopback hosts (the resolver flag above already
 * blocks them) without intercepting any; `answerOffLoopback()` then adds a route that answers
 * the official Trodo SDK's fixed API host locally with 200 `{}` (so it behaves as if its server
 * were there) and aborts anything else. Only the peers' browser takes that route, and only
 * for the peers' runs: a route passes every request of its browser through this process
 * (the extension's worker posts included: delivery measured a quarter slower with one,
 * `lib/bench/delivery-only.ts`, 5 100 against 6 500 events/s), and page loads compared with
 * and without the extension must both go without it.
 */
export function watchNetwork(context: BrowserContext) {
  const attempts = new Map<string, number>();
  context.on('request', (request) => {
    const url = new URL(request.url());
    if (isOffLoopback(url)) attempts.set(url.hostname, (attempts.get(url.hostname) ?? 0) + 1);
  });
  const answered = new Set(['sdkapi.trodo.ai']);
  return {
    /** Requests to non-loopback hosts, by host. */
    attempts: () => Object.fromEntries(attempts),
    answerOffLoopback: () =>
      context.route(isOffLoopback, async (route: Route) => {
        if (!answered.has(new URL(route.request().url()).hostname)) return route.abort('blockedbyclient');
        const origin = (await route.request().headerValue('origin')) ?? '*';
        return route.fulfill({
          status: 200,
          contentType: 'application/json',
          headers: { 'Access-Control-Allow-Origin': origin, 'Access-Control-Allow-Credentials': 'true', 'Access-Control-Allow-Headers': '*' },
          body: '{}',
        });
      }),
  };
}
