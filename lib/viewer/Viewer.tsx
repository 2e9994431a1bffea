import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { HistoryRecord } from '../history';
import { draftPlan } from '../plan/infer';
import { subjectOfEvent } from '../plan/subject';
import { captureOn } from '../settings';
import { AccessBanner } from './AccessBanner';
import { EventDetail } from './EventDetail';
import { EventRow, ROW_HEIGHT } from './EventRow';
import { toJson, toNdjson } from './export';
import { DEFAULT_FILTER, applyFilter, distinct, tabScope, textMatcher, type Filter } from './filters';
import { FilterBar } from './FilterBar';
import type { CurrentTab, ViewerHost } from './host';
import { IdentityPanel } from './IdentityPanel';
import { LintPanel } from './LintPanel';
import { heldWhy, newestFirst, viewStatus } from './model';
import { PlanPanel } from './PlanPanel';
import { qaReport } from './report';
import { SendingStatus } from './SendingStatus';
import { ServerFeedStatus } from './ServerFeedStatus';
import { PageSdkBanner, usePageSdk } from './PageSdk';
import { useWorker } from './use-worker';
import { VirtualList } from './VirtualList';

type View = 'events' | 'plan' | 'lint' | 'identity';

/** The QA viewer, shared by the popup and the side panel. */
export function Viewer({ host, surface }: { host: ViewerHost; surface: 'popup' | 'sidepanel' }) {
  const { model, send, now } = useWorker(host.connect);
  const tab = useCurrentTab(host);
  const pageSdk = usePageSdk(host, tab?.id ?? null);
  const [filter, setFilter] = useState<Filter>(DEFAULT_FILTER);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [view, setView] = useState<View>('events');
  const search = useRef<HTMLDivElement>(null);

  const all = useMemo(() => newestFirst(model.records), [model.records]);
  const matcher = useMemo(() => textMatcher(filter.text, filter.regex), [filter.text, filter.regex]);
  const heldOf = useMemo(() => (r: HistoryRecord) => heldWhy(r, model.settings), [model.settings]);
  const visible = useMemo(
    () => applyFilter(all, filter, tab?.id ?? null, matcher, (r) => viewStatus(r, heldOf(r))),
    [all, filter, tab, matcher, heldOf],
  );
  const tabRecords = useMemo(() => (tab ? all.filter(tabScope(all, tab.id)) : all), [all, tab]);
  const site = siteOf(tab, tabRecords);
  const selectedIndex = visible.findIndex((r) => r.id === selectedId);
  const selected = selectedIndex >= 0 ? visible[selectedIndex] : undefined;
  const { stats, state, settings, plan } = model;
  const violating = useMemo(() => visible.filter((r) => r.plan?.violations.length).length, [visible]);
  const retrying = useMemo(() => all.filter((r) => r.status === 'retrying').length, [all]);
  const heldCount = useMemo(() => all.filter((r) => heldOf(r)).length, [all, heldOf]);
  const siteHeld = useMemo(() => (site ? all.filter((r) => r.origin === site && heldOf(r)).length : 0), [all, heldOf, site]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const typing = (event.target as HTMLElement).matches?.('input, select, textarea');
      if (event.key === 'Escape') setSelectedId(null);
      else if (event.key === '/' && !typing) {
        event.preventDefault();
        search.current?.querySelector('input')?.focus();
      }
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, []);

  function exportVisible(format: 'json' | 'ndjson') {
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    if (format === 'json') host.download(`trodo-events-${stamp}.json`, toJson(visible), 'application/json');
    else host.download(`trodo-events-${stamp}.ndjson`, toNdjson(visible), 'application/x-ndjson');
  }

  const stamp = () => new Date().toISOString().replace(/[:.]/g, '-');
  function downloadDraft() {
    const draft = draftPlan(visible.map((r) => ({ ...subjectOfEvent(r.event), source: r.source ?? 'browser' })), { name: plan ? `${plan.plan.name} (draft)` : 'Draft from a QA session' });
    host.download(`trodo-plan-draft-${stamp()}.json`, `${JSON.stringify(draft, null, 2)}\n`, 'application/json');
  }
  function downloadReport(format: 'md' | 'json') {
    const report = qaReport(plan, visible, { ...host.about(), now: Date.now() });
    if (format === 'md') host.download(`trodo-qa-report-${stamp()}.md`, report.markdown, 'text/markdown');
    else host.download(`trodo-qa-report-${stamp()}.json`, report.json, 'application/json');
  }

  const paused = settings ? !settings.captureEnabled : false;
  const siteOff = settings && site ? !captureOn({ ...settings, captureEnabled: true, observeSites: [] }, site) : false;

  return (
    <main class={`viewer ${surface}`}>
      <header class="bar">
        <h1>Trodo QA</h1>
        <button type="button" class="plan-name quiet" data-testid="plan-name" onClick={() => setView('plan')} title={plan ? `Tracking plan from ${plan.source}` : 'No tracking plan loaded'}>
          {plan ? <>Plan: <strong>{plan.plan.name}</strong> v{plan.plan.version}</> : <span class="muted">No plan</span>}
        </button>
        <dl class="counts" data-testid="counts">
          <Count label="captured" value={stats.captured} />
          <Count label="queued" value={Math.max(0, stats.queued - heldCount)} />
          <Count label="held" value={heldCount} />
          <Count label="sent" value={stats.sent} />
          <Count label="failed" value={retrying} />
          <Count label="dropped" value={stats.dropped} />
        </dl>
        <div class="actions">
          <button type="button" data-testid="flush" onClick={() => send({ type: 'flush' })} title="Send queued events now">Flush now</button>
          <button type="button" data-testid="pause" aria-pressed={paused} onClick={() => send({ type: 'save-settings', change: { captureEnabled: paused } })}>
            {paused ? 'Resume' : 'Pause'}
          </button>
          <details class="menu">
            <summary data-testid="more">More</summary>
            <div class="menu-body">
              <button type="button" data-testid="export-json" onClick={() => exportVisible('json')}>Export {visible.length} as JSON</button>
              <button type="button" data-testid="export-ndjson" onClick={() => exportVisible('ndjson')}>Export {visible.length} as NDJSON</button>
              <button type="button" data-testid="clear" onClick={() => { setSelectedId(null); send({ type: 'clear' }); }}>Clear history (keep queue)</button>
              <button type="button" class="danger" data-testid="clear-queue" onClick={() => { setSelectedId(null); send({ type: 'clear', queue: true }); }}>Clear history and queued events</button>
              {host.openSidePanel && <button type="button" data-testid="open-sidepanel" onClick={host.openSidePanel}>Open in side panel</button>}
              <button type="button" onClick={host.openOptions}>Settings…</button>
            </div>
          </details>
        </div>
      </header>

      {state.degraded && <p class="banner error" data-testid="degraded">Durability degraded: {state.degraded}</p>}
      {state.held && <p class="banner warn" data-testid="held">{state.held}</p>}
      {!state.held && state.lastError && (
        <p class="banner error" data-testid="delivery-error">
          Delivery failing ({state.failures}×): {state.lastError}
          {state.nextAttemptAt ? ` — next attempt in ${Math.max(0, Math.ceil((state.nextAttemptAt - now) / 1000))} s` : ''}
        </p>
      )}
      {host.access && <AccessBanner access={host.access} site={site} apiHost={settings?.apiHost ?? null} />}
      <PageSdkBanner info={pageSdk.info} requests={pageSdk.requests} site={site} settings={settings} send={send} />
      {paused && <p class="banner warn" data-testid="paused">Capture is paused: pages record nothing until you resume.</p>}
      {site && settings && <SendingStatus settings={settings} site={site} held={siteHeld} send={send} />}

      <div class="sitebar">
        {site && settings ? (
          <label class="toggle" data-testid="site-toggle">
            <input
              type="checkbox"
              checked={!siteOff}
              onChange={() => send({ type: 'save-settings', change: { disabledSites: siteOff ? settings.disabledSites.filter((s) => s !== site) : [...settings.disabledSites, site] } })}
            />
            Capture on <strong>{new URL(site).host}</strong>
          </label>
        ) : (
          <span class="muted">Not a web page</span>
        )}
        {settings && (
          <label class="toggle" data-testid="auto-toggle" title="Page views, clicks, forms, errors, performance…">
            <input type="checkbox" checked={settings.autoEvents} onChange={() => send({ type: 'save-settings', change: { autoEvents: !settings.autoEvents } })} />
            Auto-events
          </label>
        )}
        {settings && (
          <span class="target muted" data-testid="target">
            → <code>{settings.apiHost}</code>
            {settings.siteId && <> as <code>{settings.siteId}</code></>}
          </span>
        )}
        <ServerFeedStatus state={model.server} now={now} />
      </div>

      <nav class="views" role="tablist" aria-label="Views">
        {(['events', 'plan', 'lint', 'identity'] as const).map((v) => (
          <button key={v} type="button" role="tab" aria-selected={view === v} data-testid={`view-${v}`} onClick={() => setView(v)}>
            {v === 'events' ? `Events (${visible.length})` : v === 'plan' ? (plan && violating ? `Plan (⚠ ${violating})` : 'Plan') : v === 'lint' ? 'Lint' : 'Identity'}
          </button>
        ))}
      </nav>

      {view === 'events' && (
        <>
          <div ref={search}>
            <FilterBar
              filter={filter}
              onChange={setFilter}
              matcher={matcher}
              origins={distinct(all, (r) => r.origin).filter(Boolean)}
              categories={distinct(all, (r) => r.event.category)}
              hasTab={tab !== null}
              hasPlan={plan !== null}
            />
          </div>
          <div class={`panes ${selected ? 'with-detail' : ''}`}>
            {visible.length === 0 ? (
              <p class="empty" data-testid="empty">
                {all.length === 0 ? <>No events yet. Open a page and call <code>window.Trodo.track('signup_completed')</code>.</> : 'No events match these filters.'}
              </p>
            ) : (
              <VirtualList
                items={visible}
                rowHeight={ROW_HEIGHT}
                selectedIndex={selectedIndex}
                onMove={(i) => setSelectedId(visible[i]!.id)}
                label="Captured events"
                testId="event-list"
                renderRow={(record: HistoryRecord, index) => (
                  <EventRow record={record} index={index} selected={index === selectedIndex} held={heldOf(record)} now={now} onSelect={(i) => setSelectedId(visible[i]!.id)} />
                )}
              />
            )}
            {selected && <EventDetail record={selected} held={heldOf(selected)} now={now} onClose={() => setSelectedId(null)} />}
          </div>
        </>
      )}
      {view === 'plan' && (
        <div class="pane-scroll">
          <PlanPanel loaded={plan} records={all} tabId={tab?.id ?? null} onDraft={downloadDraft} onReport={downloadReport} onOptions={host.openOptions} />
        </div>
      )}
      {view === 'lint' && <div class="pane-scroll"><LintPanel records={visible} /></div>}
      {view === 'identity' && <div class="pane-scroll"><IdentityPanel records={tabRecords} now={now} heldOf={heldOf} /></div>}
    </main>
  );
}

function Count({ label, value }: { label: string; value: number }) {
  return (
    <div class={`count ${label}`} data-testid={`count-${label}`}>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}

/** The tab the viewer is about; in the side panel it follows the active tab. */
function useCurrentTab(host: ViewerHost): CurrentTab | null {
  const [tab, setTab] = useState<CurrentTab | null>(null);
  useEffect(() => {
    const load = () => void host.currentTab().then((t) => setTab((old) => (old?.id === t?.id && old?.url === t?.url ? old : t)));
    load();
    return host.watchTab?.(load);
  }, [host]);
  return tab;
}

/** The web origin of the current tab, from its URL or, failing that, from its events. */
function siteOf(tab: CurrentTab | null, records: HistoryRecord[]): string | null {
  if (tab?.url?.startsWith('http')) return new URL(tab.url).origin;
  return records[0]?.origin ?? null;
}
