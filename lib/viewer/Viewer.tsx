import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { HistoryRecord } from '../history';
import { draftPlan } from '../plan/infer';
import { subjectOfEvent } from '../plan/subject';
import { captureOn } from '../settings';
import { AccessBanner } from './AccessBanner';
import { EventDetail } from './EventDetail';
import { EventRow, ROW_HEIGHT } from './EventRow';
import { toJson, toNdjson } from './export';
import { DEFAULT_FILTER, textMatcher, toViewQuery, type Filter } from './filters';
import { FilterBar } from './FilterBar';
import type { CurrentTab, ViewerHost } from './host';
import { IdentityPanel } from './IdentityPanel';
import { LintPanel } from './LintPanel';
import { heldWhy, rowAt, type ViewPage } from './model';
import { PlanPanel } from './PlanPanel';
import { ANY_VIEW, type ViewQuery, type ViewerToWorker } from '../protocol';
import { qaReport } from './report';
import { SendingStatus } from './SendingStatus';
import { ServerFeedStatus } from './ServerFeedStatus';
import { PageSdkBanner, usePageSdk } from './PageSdk';
import { useWorker } from './use-worker';
import { VirtualList } from './VirtualList';

type View = 'events' | 'plan' | 'lint' | 'identity';

/** Rows fetched beyond those drawn, each way: scrolling a screen or two needs no round trip. */
const MARGIN = 60;
/** The lint tab looks at the newest this many of the view; identity at the tab's newest. */
const LINT_SAMPLE = 5000;
const IDENTITY_SAMPLE = 2000;

/** The QA viewer, shared by the popup and the side panel. */
export function Viewer({ host, surface }: { host: ViewerHost; surface: 'popup' | 'sidepanel' }) {
  const { model, send, now, readAll } = useWorker(host.connect);
  const tab = useCurrentTab(host);
  const pageSdk = usePageSdk(host, tab?.id ?? null);
  const [filter, setFilter] = useState<Filter>(DEFAULT_FILTER);
  const [selection, setSelection] = useState<{ id: string | null; index: number } | null>(null);
  const [view, setView] = useState<View>('events');
  const search = useRef<HTMLDivElement>(null);

  const matcher = useMemo(() => textMatcher(filter.text, filter.regex), [filter.text, filter.regex]);
  const heldOf = useMemo(() => (r: HistoryRecord) => heldWhy(r, model.settings), [model.settings]);
  const query = useMemo(() => toViewQuery(filter, tab?.id ?? null), [filter, tab]);
  const queryKey = useMemo(() => JSON.stringify(query), [query]);
  // The first window waits for the tab to be known (so the list does not show all tabs
  // first), not for the snapshot: the request travels on the port opened before it.
  const list = useWindow(query, send, tab !== undefined, model.snapshots);
  const page = model.pages.list;
  const total = page?.total ?? 0;
  const { stats, state, settings, plan, history } = model;

  // The selection is kept by id: new events push rows down, and the window moves.
  const selectedIndex = selection ? (page?.records.findIndex((r) => r.id === selection.id) ?? -1) : -1;
  const index = selectedIndex >= 0 ? page!.offset + selectedIndex : (selection?.index ?? -1);
  const lastSelected = useRef<HistoryRecord | undefined>(undefined);
  const selected = selection?.id ? (selectedIndex >= 0 ? page!.records[selectedIndex] : lastSelected.current?.id === selection.id ? lastSelected.current : undefined) : undefined;
  lastSelected.current = selected;
  // Moved by the keyboard onto a row not loaded yet: it is selected when it arrives.
  useEffect(() => {
    const row = selection && !selection.id ? rowAt(page, selection.index) : undefined;
    if (row) setSelection({ id: row.id, index: selection!.index });
  }, [page, selection]);
  const select = (i: number) => setSelection({ id: rowAt(page, i)?.id ?? null, index: i });

  const held = Object.values(history.heldByOrigin).reduce((a, b) => a + b, 0);
  const site = siteOf(tab, page?.records ?? []);
  const siteHeld = site ? (history.heldByOrigin[site] ?? 0) : 0;
  const lint = useLiveView('lint', view === 'lint' ? query : null, LINT_SAMPLE, send, model.pages.lint, model.snapshots);
  const identity = useLiveView('identity', view === 'identity' ? { ...ANY_VIEW, tabId: tab?.id ?? null } : null, IDENTITY_SAMPLE, send, model.pages.identity, model.snapshots);
  useEffect(() => {
    if (view !== 'plan') return;
    send({ type: 'coverage', id: 'plan', tabId: tab?.id ?? null });
    return () => send({ type: 'unview', id: 'plan' });
  }, [view, tab?.id, model.snapshots]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const typing = (event.target as HTMLElement).matches?.('input, select, textarea');
      if (event.key === 'Escape') setSelection(null);
      else if (event.key === '/' && !typing) {
        event.preventDefault();
        search.current?.querySelector('input')?.focus();
      }
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, []);

  // Files are made of the whole view, read from the worker for the moment it takes.
  async function exportVisible(format: 'json' | 'ndjson') {
    const visible = await readAll(query);
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    if (format === 'json') host.download(`trodo-events-${stamp}.json`, toJson(visible), 'application/json');
    else host.download(`trodo-events-${stamp}.ndjson`, toNdjson(visible), 'application/x-ndjson');
  }

  const stamp = () => new Date().toISOString().replace(/[:.]/g, '-');
  async function downloadDraft() {
    const visible = await readAll(query);
    const draft = draftPlan(visible.map((r) => ({ ...subjectOfEvent(r.event), source: r.source ?? 'browser' })), { name: plan ? `${plan.plan.name} (draft)` : 'Draft from a QA session' });
    host.download(`trodo-plan-draft-${stamp()}.json`, `${JSON.stringify(draft, null, 2)}\n`, 'application/json');
  }
  async function downloadReport(format: 'md' | 'json') {
    const visible = await readAll(query);
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
          <Count label="queued" value={Math.max(0, stats.queued - held)} />
          <Count label="held" value={held} />
          <Count label="sent" value={stats.sent} />
          <Count label="failed" value={history.retrying} />
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
              <button type="button" data-testid="export-json" onClick={() => exportVisible('json')}>Export {total} as JSON</button>
              <button type="button" data-testid="export-ndjson" onClick={() => exportVisible('ndjson')}>Export {total} as NDJSON</button>
              <button type="button" data-testid="clear" onClick={() => { setSelection(null); send({ type: 'clear' }); }}>Clear history (keep queue)</button>
              <button type="button" class="danger" data-testid="clear-queue" onClick={() => { setSelection(null); send({ type: 'clear', queue: true }); }}>Clear history and queued events</button>
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
            {v === 'events' ? `Events (${total})` : v === 'plan' ? (plan && model.coverage.plan?.violations.length ? `Plan (⚠ ${model.coverage.plan.violations.length})` : 'Plan') : v === 'lint' ? 'Lint' : 'Identity'}
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
              origins={history.origins}
              categories={history.categories}
              names={history.names}
              hasTab={tab !== null}
              hasPlan={plan !== null}
            />
          </div>
          <div class={`panes ${selected ? 'with-detail' : ''}`}>
            {page && total === 0 ? (
              <p class="empty" data-testid="empty">
                {history.total === 0 ? <>No events yet. Open a page and call <code>window.Trodo.track('signup_completed')</code>.</> : 'No events match these filters.'}
              </p>
            ) : (
              <VirtualList
                // A new filter starts at the newest events, not at the old scroll position.
                key={queryKey}
                count={total}
                rowAt={(i) => rowAt(page, i)}
                onRange={list.range}
                rowHeight={ROW_HEIGHT}
                selectedIndex={index}
                onMove={select}
                label="Captured events"
                testId="event-list"
                renderRow={(record: HistoryRecord | undefined, i) =>
                  record ? <EventRow record={record} index={i} selected={i === index} held={heldOf(record)} now={now} onSelect={select} /> : <div class="event placeholder" aria-hidden="true" />
                }
              />
            )}
            {selected && <EventDetail record={selected} held={heldOf(selected)} now={now} onClose={() => setSelection(null)} />}
          </div>
        </>
      )}
      {view === 'plan' && (
        <div class="pane-scroll">
          <PlanPanel loaded={plan} coverage={model.coverage.plan ?? null} onDraft={() => void downloadDraft()} onReport={(format) => void downloadReport(format)} onOptions={host.openOptions} />
        </div>
      )}
      {view === 'lint' && <div class="pane-scroll"><LintPanel records={lint?.records ?? []} of={lint?.total ?? 0} /></div>}
      {view === 'identity' && <div class="pane-scroll"><IdentityPanel records={identity?.records ?? []} now={now} heldOf={heldOf} /></div>}
    </main>
  );
}

/**
 * The list's window of the view: asks the worker for the rows drawn plus a margin whenever
 * the query changes or the rows drawn leave what was fetched. The worker answers again by
 * itself when history changes (a live view).
 */
function useWindow(query: ViewQuery, send: (command: ViewerToWorker) => void, ready: boolean, snapshots: number) {
  const seq = useRef(0);
  const asked = useRef<{ query: ViewQuery; offset: number; limit: number } | null>(null);
  const drawn = useRef({ first: 0, last: 30 });
  const ask = (force: boolean) => {
    const { first, last } = drawn.current;
    const held = asked.current;
    const fetched = held && held.query === query && first >= held.offset && last <= held.offset + held.limit;
    if (fetched && !force) return;
    const offset = Math.max(0, first - MARGIN);
    const limit = last - offset + MARGIN;
    asked.current = { query, offset, limit };
    send({ type: 'view', id: 'list', seq: ++seq.current, query, offset, limit, live: true });
  };
  useEffect(() => {
    if (ready) ask(true);
  }, [query, ready]);
  // A new port to a restarted worker, which knows no views yet.
  useEffect(() => {
    if (ready && snapshots > 1) ask(true);
  }, [snapshots]);
  return {
    range(first: number, last: number) {
      drawn.current = { first, last: Math.max(last, first + 1) };
      if (ready) ask(false);
    },
  };
}

/** A view the worker keeps answering while `query` is set (a tab that is open). */
function useLiveView(id: string, query: ViewQuery | null, limit: number, send: (command: ViewerToWorker) => void, page: ViewPage | undefined, snapshots: number) {
  const key = query && JSON.stringify(query);
  useEffect(() => {
    if (!query) return;
    send({ type: 'view', id, seq: Date.now(), query, offset: 0, limit, live: true });
    return () => send({ type: 'unview', id });
  }, [key, snapshots]);
  return query ? page : undefined;
}

function Count({ label, value }: { label: string; value: number }) {
  return (
    <div class={`count ${label}`} data-testid={`count-${label}`}>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}

/** The tab the viewer is about (null: none; undefined: not known yet); in the side panel it follows the active tab. */
function useCurrentTab(host: ViewerHost): CurrentTab | null | undefined {
  const [tab, setTab] = useState<CurrentTab | null | undefined>(undefined);
  useEffect(() => {
    const load = () => void host.currentTab().then((t) => setTab((old) => (old !== undefined && old?.id === t?.id && old?.url === t?.url ? old : t)));
    load();
    return host.watchTab?.(load);
  }, [host]);
  return tab;
}

/** The web origin of the current tab, from its URL or, failing that, from its events. */
function siteOf(tab: CurrentTab | null | undefined, records: HistoryRecord[]): string | null {
  if (tab?.url?.startsWith('http')) return new URL(tab.url).origin;
  return records[0]?.origin ?? null;
}
