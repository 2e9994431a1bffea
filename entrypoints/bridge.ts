import { extensionApi } from '@/lib/bridge/extension-api';
import { createPageSdk } from '@/lib/bridge/page-sdk';
import { createRelay, type PortLike } from '@/lib/bridge/relay';
import { openPrivateChannel } from '@/lib/page-channel';
import { BRIDGE_PORT, isViewerToBridge, type SdkMode } from '@/lib/protocol';
import { SETTINGS_KEY } from '@/lib/settings';
import { afterLoad } from '@/lib/after-load';

/**
 * The isolated-world half of the tracker: relays the page's events to the background
 * worker and the worker's acknowledgements back, treating everything from the page as
 * untrusted (see lib/protocol.ts). It talks to the tracker only on the private channel set
 * up before any page script runs, and stops only when the extension context is really
 * gone: WXT's context invalidation can be triggered by any page script (a forged
 * "content-script-started" event), so it is not used.
 *
 * At document_start it opens that channel and nothing else: the relay is built at the
 * tracker's first message (its `hello` comes after the page's load event), the rest after
 * load, so the page's parser and load wait for no more than the handshake. For the same
 * reason it is a plain script that wxt.config.ts lists as a document_start content script,
 * not a WXT content script: WXT's wrapper builds a ContentScriptContext at start (and posts
 * a "content-script-started" message every page script can see), and the bridge uses the
 * browser's own extension API (lib/bridge/extension-api.ts), not `browser` from wxt/browser,
 * which this project's config makes webextension-polyfill: evaluating that at every page's
 * start cost more than the bridge itself.
 */
export default defineUnlistedScript({
  main() {
    const debug = (message: string) => console.debug(`[Trodo QA bridge] ${message}`);
    let mode: SdkMode = 'stand-in';
    let parts: { relay: ReturnType<typeof createRelay>; pageSdk: ReturnType<typeof createPageSdk> } | undefined;
    const wire = () => {
      const pageSdk = createPageSdk({
        mode: () => mode,
        scripts: () =>
          [...document.scripts].map((s) => ({ src: s.src || null, text: s.src ? '' : (s.textContent ?? ''), siteId: s.getAttribute('site-id') })),
        fetchText: async (url) => (await fetch(url, { cache: 'force-cache' })).text(),
        debug,
      });
      const relay = createRelay({
        connect: () => extensionApi().runtime.connect({ name: BRIDGE_PORT }) as unknown as PortLike,
        alive: () => Boolean(extensionApi().runtime?.id),
        toPage: (json) => channel.post(json),
        now: Date.now,
        setTimer: (task, ms) => setTimeout(task, ms),
        clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
        debug,
        onSdk: pageSdk.noted,
      });
      return { relay, pageSdk };
    };
    const bridge = () => (parts ??= wire());
    const channel = openPrivateChannel(window, 'bridge', (detail) => bridge().relay.fromPage(detail));
    if (window !== window.top) return;
    // The top frame answers the viewer (what the page ships of Trodo's own SDK), and on
    // observe sites, where the official SDK never asks for our tracker, looks once by itself.
    // Before load there is nothing to tell: the viewer takes no answer as "nothing seen".
    afterLoad(window, setTimeout, () => {
      // sendResponse, not a returned promise: the browser's own API (no polyfill here) takes
      // that in every version the extension supports.
      extensionApi().runtime.onMessage.addListener((message, _sender, sendResponse) => {
        if (!isViewerToBridge(message)) return undefined;
        void bridge().pageSdk.info().then(sendResponse, () => sendResponse(null));
        return true;
      });
      void extensionApi().storage.local.get(SETTINGS_KEY).then((got) => {
        const sites = (got[SETTINGS_KEY] as { observeSites?: unknown } | undefined)?.observeSites;
        if (!Array.isArray(sites) || !sites.includes(location.origin)) return;
        mode = 'observe';
        bridge().pageSdk.noted('');
      });
    });
  },
});
