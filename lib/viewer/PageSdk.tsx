import { useEffect, useState } from 'preact/hooks';
import type { PageSdkInfo, ViewerToWorker } from '../protocol';
import type { Settings } from '../settings';
import type { ViewerHost } from './host';

/** How often the viewer asks the tab again: the page's SDK may load after the viewer opened. */
const ASK_EVERY_MS = 1500;

/** What the tab's page ships of Trodo's own SDK, asked of its bridge; null: nothing reported. */
export function usePageSdk(host: ViewerHost, tabId: number | null): PageSdkInfo | null {
  const [info, setInfo] = useState<PageSdkInfo | null>(null);
  useEffect(() => {
    setInfo(null);
    const ask = host.pageSdk;
    if (tabId === null || !ask) return;
    let live = true;
    const load = () => void ask(tabId).then((next) => live && setInfo((old) => (JSON.stringify(old) === JSON.stringify(next) ? old : next)));
    load();
    const id = setInterval(load, ASK_EVERY_MS);
    return () => {
      live = false;
      clearInterval(id);
    };
  }, [host, tabId]);
  return info;
}

const MODE_TEXT = {
  'stand-in': 'stand-in: the extension’s tracker takes its place; the page’s SDK does not start or send anything, and every call reaches the extension',
} as const;

/** "This page ships trodo 2.0.0", the mode in force, and which site id is used. */
export function PageSdkBanner({ info, settings, send }: { info: PageSdkInfo | null; settings: Settings | null; send: (command: ViewerToWorker) => void }) {
  if (!info || (!info.build && !info.siteId)) return null;
  const name = info.version ? `trodo ${info.version}` : info.build ? `a Trodo SDK (build ${info.build})` : null;
  const own = settings?.siteId ?? '';
  return (
    <div class="banner" data-testid="page-sdk">
      {name && (
        <p>
          This page ships <strong data-testid="page-sdk-name">{name}</strong>
          {info.src ? <span class="muted"> ({info.src})</span> : null} · mode <strong data-testid="page-sdk-mode">{MODE_TEXT[info.mode]}</strong>
        </p>
      )}
      {info.siteId && (
        <p data-testid="page-sdk-site">
          The page gives site id <code>{info.siteId}</code>;{' '}
          {own ? (
            <>
              events are sent with the extension’s <code>{own}</code>
              {own === info.siteId ? ' (the same)' : ''}.
            </>
          ) : (
            <>
              the extension has none, so events wait in the queue until one is set.{' '}
              <button type="button" data-testid="use-page-site" onClick={() => send({ type: 'save-settings', change: { siteId: info.siteId! } })}>
                Use {info.siteId}
              </button>
            </>
          )}
        </p>
      )}
    </div>
  );
}
