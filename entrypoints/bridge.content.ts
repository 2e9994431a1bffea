import { createRelay, type PortLike } from '@/lib/bridge/relay';
import { BRIDGE_PORT, BRIDGE_TO_PAGE, PAGE_TO_BRIDGE } from '@/lib/protocol';

/**
 * The isolated-world half of the tracker: relays the page's events to the background
 * worker and the worker's acknowledgements back, treating everything from the page as
 * untrusted (see lib/protocol.ts).
 */
export default defineContentScript({
  matches: ['<all_urls>'],
  runAt: 'document_start',
  main(ctx) {
    const relay = createRelay({
      connect: () => browser.runtime.connect({ name: BRIDGE_PORT }) as unknown as PortLike,
      toPage: (json) => window.dispatchEvent(new CustomEvent(BRIDGE_TO_PAGE, { detail: json })),
      now: Date.now,
      setTimer: (task, ms) => setTimeout(task, ms),
      clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
      debug: (message) => console.debug(`[Trodo QA bridge] ${message}`),
    });
    window.addEventListener(PAGE_TO_BRIDGE, (event) => relay.fromPage((event as CustomEvent<unknown>).detail));
    ctx.onInvalidated(() => relay.stop());
    relay.start();
  },
});
