import { browser } from 'wxt/browser';
import { VIEWER_PORT, type ObservedQuery, type ObservedRequest, type PageSdkInfo, type ViewerToBridge } from '../protocol';
import type { ViewerPort } from './connection';
import type { ViewerHost } from './host';

/** The viewer host over the extension API, for the popup and the side panel. */
export function browserHost(surface: 'popup' | 'sidepanel'): ViewerHost {
  const sidePanel = (browser as unknown as { sidePanel?: { open(o: { windowId: number }): Promise<void> } }).sidePanel;
  let windowId: number | undefined;
  if (surface === 'popup') void browser.windows.getCurrent().then((w) => (windowId = w.id));
  return {
    connect: () => browser.runtime.connect({ name: VIEWER_PORT }) as unknown as ViewerPort,
    async currentTab() {
      // `?tab=<id>` pins the viewer to a tab (a popped-out viewer, or a test).
      const pinned = Number(new URLSearchParams(location.search).get('tab'));
      const tab = pinned ? await browser.tabs.get(pinned).catch(() => undefined) : (await browser.tabs.query({ active: true, currentWindow: true }))[0];
      // The viewer opened in a tab of its own has no page to be about.
      if (tab?.id === undefined || tab.url?.startsWith(location.origin)) return null;
      return { id: tab.id, url: tab.url ?? null };
    },
    watchTab:
      surface === 'sidepanel'
        ? (onChange) => {
            const changed = () => onChange();
            browser.tabs.onActivated.addListener(changed);
            browser.tabs.onUpdated.addListener(changed);
            return () => {
              browser.tabs.onActivated.removeListener(changed);
              browser.tabs.onUpdated.removeListener(changed);
            };
          }
        : undefined,
    openOptions: () => void browser.runtime.openOptionsPage(),
    openSidePanel:
      surface === 'popup' && sidePanel
        ? () => {
            // open() must be called inside the click's user gesture, so the window id is
            // looked up beforehand, not awaited here.
            if (windowId !== undefined) void sidePanel.open({ windowId }).then(() => window.close());
          }
        : undefined,
    access: {
      granted: async () => (await browser.permissions.getAll()).origins ?? [],
      request: (patterns) => browser.permissions.request({ origins: patterns }),
    },
    about: () => ({ browser: navigator.userAgent, extensionVersion: browser.runtime.getManifest().version }),
    pageSdk: (tabId) =>
      // No bridge in the tab (not a web page, or loaded before the extension): nothing to say.
      (browser.tabs.sendMessage(tabId, { type: 'page-sdk' } satisfies ViewerToBridge, { frameId: 0 }) as Promise<PageSdkInfo | null | undefined>)
        .then((info) => info ?? null, () => null),
    observed: (tabId) =>
      (browser.runtime.sendMessage({ type: 'observed', tabId } satisfies ObservedQuery) as Promise<ObservedRequest[] | undefined>).then((list) => list ?? [], () => []),
    download(filename, text, type) {
      const url = URL.createObjectURL(new Blob([text], { type }));
      const link = Object.assign(document.createElement('a'), { href: url, download: filename });
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    },
  };
}
