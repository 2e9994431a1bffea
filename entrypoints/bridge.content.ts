import { createRelay, type PortLike } from '@/lib/bridge/relay';
import { openPrivateChannel, type PrivateChannel } from '@/lib/page-channel';
import { BRIDGE_PORT } from '@/lib/protocol';

/**
 * The isolated-world half of the tracker: relays the page's events to the background
 * worker and the worker's acknowledgements back, treating everything from the page as
 * untrusted (see lib/protocol.ts). It talks to the tracker only on the private channel set
 * up before any page script runs, and stops only when the extension context is really
 * gone: WXT's context invalidation can be triggered by any page script (a forged
 * "content-script-started" event), so it is not used.
 */
export default defineContentScript({
  matches: ['<all_urls>'],
  runAt: 'document_start',
  main() {
    // The relay first: the tracker may post the moment the channel opens.
    let channel: PrivateChannel | undefined;
    const relay = createRelay({
      connect: () => browser.runtime.connect({ name: BRIDGE_PORT }) as unknown as PortLike,
      alive: () => Boolean(browser.runtime?.id),
      toPage: (json) => channel?.post(json),
      now: Date.now,
      setTimer: (task, ms) => setTimeout(task, ms),
      clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
      debug: (message) => console.debug(`[Trodo QA bridge] ${message}`),
    });
    channel = openPrivateChannel(window, 'bridge', relay.fromPage);
    relay.start();
  },
});
