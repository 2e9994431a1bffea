import { useEffect, useState } from 'preact/hooks';
import type { PageSdkInfo, ViewerToWorker } from '../protocol';
import type { Settings } from '../settings';
import type { HistoryRecord } from '../history';
import type { ObservedEvent, ObservedRequest } from '../protocol';
import { lintEvent } from './lint';
import { describeViolation } from './plan-view';
import type { ViewerHost } from './host';

/** How often the viewer asks the tab again: the page's SDK may load after the viewer opened. */
const ASK_EVERY_MS = 1500;

/** Asks `ask` now and every ASK_EVERY_MS while the tab is shown; the answer changes state only when it changed. */
function usePolled<T>(ask: ((tabId: number) => Promise<T>) | undefined, tabId: number | null, empty: T): T {
  const [info, setInfo] = useState<T>(empty);
  useEffect(() => {
    setInfo(empty);
    if (tabId === null || !ask) return;
    let live = true;
    const load = () => void ask(tabId).then((next) => live && setInfo((old) => (JSON.stringify(old) === JSON.stringify(next) ? old : next)));
    load();
    const id = setInterval(load, ASK_EVERY_MS);
    return () => {
      live = false;
      clearInterval(id);
    };
  }, [ask, tabId]);
  return info;
}

const NONE: ObservedRequest[] = [];

/** What the tab's page ships of Trodo's own SDK (asked of its bridge), and the requests it made (asked of the worker). */
export function usePageSdk(host: ViewerHost, tabId: number | null) {
  return { info: usePolled(host.pageSdk, tabId, null), requests: usePolled(host.observed, tabId, NONE) };
}

const MODE_TEXT = {
  'stand-in': 'stand-in: the extension’s tracker takes its place; the page’s SDK does not start or send anything, and every call reaches the extension',
  observe: 'observe: the page’s SDK runs as shipped; the extension captures nothing here and lists what the SDK sends to Trodo',
} as const;

interface BannerProps {
  info: PageSdkInfo | null;
  requests: ObservedRequest[];
  /** The tab's web origin. */
  site: string | null;
  settings: Settings | null;
  send: (command: ViewerToWorker) => void;
}

/** "This page ships trodo 2.0.0", the mode in force and its switch, which site id is used, and in observe mode the SDK's requests. */
export function PageSdkBanner({ info, requests, site, settings, send }: BannerProps) {
  const observing = Boolean(site && settings?.observeSites.includes(site));
  if (!observing && !requests.length && (!info || (!info.build && !info.siteId))) return null;
  if (!info) return <ObservedList requests={requests} />;
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
      {site && settings && (info.build || observing) && (
        <label class="toggle" data-testid="observe-toggle">
          <input
            type="checkbox"
            checked={observing}
            onChange={() => send({ type: 'save-settings', change: { observeSites: observing ? settings.observeSites.filter((s) => s !== site) : [...settings.observeSites, site] } })}
          />
          Observe the page’s own SDK on <strong>{new URL(site).host}</strong> instead of standing in (takes effect when the page reloads)
        </label>
      )}
      {info.siteId && info.mode === 'observe' && (
        <p data-testid="page-sdk-site">
          The page’s SDK sends with its own site id <code>{info.siteId}</code>; the extension sends nothing here.
        </p>
      )}
      {info.siteId && info.mode === 'stand-in' && (
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
      <ObservedList requests={requests} />
    </div>
  );
}

/** The requests the page's own SDK made to Trodo, newest first, decoded, with status and timing. */
function ObservedList({ requests }: { requests: ObservedRequest[] }) {
  if (!requests.length) return null;
  return (
    <ol class="observed" data-testid="observed-requests" reversed>
      {[...requests].reverse().map((r) => {
        const outcome = r.status !== null ? `${r.status}` : r.error ?? 'pending';
        const bad = r.error !== null || (r.status !== null && r.status >= 400);
        return (
          <li key={r.id} data-testid="observed-request" class={bad ? 'bad' : undefined}>
            <code>{r.method} {r.path}</code> → <strong data-testid="observed-status">{outcome}</strong>
            {r.durationMs !== null ? ` in ${r.durationMs} ms` : ''} · <span data-testid="observed-decoded">{r.decoded.join('; ')}</span>
            {(r.events ?? []).flatMap(lintObserved).map((warning) => (
              <div class="muted" data-testid="observed-lint">
                {warning}
              </div>
            ))}
            {(r.events ?? []).flatMap((e) => (e.violations ?? []).map((v) => `${e.name}: ${describeViolation(v)}`)).map((violation) => (
              <div class="bad" data-testid="observed-violation">
                ✗ {violation}
              </div>
            ))}
          </li>
        );
      })}
    </ol>
  );
}

/** The same per-event lint as the extension's own events get (lib/viewer/lint.ts), on an event the page's SDK sent. */
function lintObserved(event: ObservedEvent): string[] {
  const record = { event: { kind: event.kind, name: event.name, properties: event.properties } } as unknown as HistoryRecord;
  return lintEvent(record).map((w) => `${event.name}: ${w.message}`);
}
