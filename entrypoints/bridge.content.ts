import { createPageSdk } from '@/lib/bridge/page-sdk';
import { createRelay, type PortLike } from '@/lib/bridge/relay';
import { openPrivateChannel, type PrivateChannel } from '@/lib/page-channel';
import { BRIDGE_PORT, isViewerToBridge, type SdkMode } from '@/lib/protocol';
import { SETTINGS_KEY } from '@/lib/settings';

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
    const debug = (message: string) => console.debug(`[Trodo QA bridge] ${message}`);
    let mode: SdkMode = 'stand-in';
    const pageSdk = createPageSdk({
      mode: () => mode,
      scripts: () =>
        [...document.scripts].map((s) => ({ src: s.src || null, text: s.src ? '' : (s.textContent ?? ''), siteId: s.getAttribute('site-id') })),
      fetchText: async (url) => (await fetch(url, { cache: 'force-cache' })).text(),
      debug,
    });
    const relay = createRelay({
      connect: () => browser.runtime.connect({ name: BRIDGE_PORT }) as unknown as PortLike,
      alive: () => Boolean(browser.runtime?.id),
      toPage: (json) => channel?.post(json),
      now: Date.now,
      setTimer: (task, ms) => setTimeout(task, ms),
      clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
      debug,
      onSdk: pageSdk.noted,
    });
    // Nothing else until the tracker's `hello`, which it sends after the page's load event:
    // the port to the worker opens then (lib/bridge/relay.ts).
    channel = openPrivateChannel(window, 'bridge', relay.fromPage);
    // The viewer asks the tab's top frame what the page ships of Trodo's own SDK.
    if (window === window.top) {
      // On observe sites the official SDK never asks for our tracker: look once the page has loaded.
      const observe = () =>
        void browser.storage.local.get(SETTINGS_KEY).then((got) => {
          const sites = (got[SETTINGS_KEY] as { observeSites?: unknown } | undefined)?.observeSites;
          if (!Array.isArray(sites) || !sites.includes(location.origin)) return;
          mode = 'observe';
          pageSdk.noted('');
        });
      if (document.readyState === 'complete') observe();
      else addEventListener('load', observe, { once: true });
      browser.runtime.onMessage.addListener((message) => (isViewerToBridge(message) ? pageSdk.info() : undefined));
    }
  },
});
