import type { Browser } from 'wxt/browser';

/**
 * The browser's own extension API (Firefox's `browser`, Chrome's `chrome`), looked up on
 * first use rather than when the bridge starts: in an isolated world the first read of
 * `chrome` builds its bindings, ~0.2 ms of the page's main thread before domInteractive
 * (a trace of paired loads), and the bridge needs none of it before the page's load event.
 * The same choice as WXT's `wxt/browser` without the polyfill, made lazily.
 */
export function extensionApi(): typeof Browser {
  const scope = globalThis as unknown as { browser?: typeof Browser; chrome: typeof Browser };
  return scope.browser?.runtime?.id ? scope.browser : scope.chrome;
}
