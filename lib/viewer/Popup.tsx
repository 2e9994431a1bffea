import { useMemo, useState } from 'preact/hooks';
import type { ViewerPort } from './connection';
import { EventDetail } from './EventDetail';
import { EventList } from './EventList';
import { newestFirst } from './model';
import { useWorker } from './use-worker';

/** The event viewer: counts, delivery state, the event list and one event's details. */
export function Popup({ connect, openOptions }: { connect: () => ViewerPort; openOptions: () => void }) {
  const { model, send } = useWorker(connect);
  const [selected, setSelected] = useState<string | null>(null);
  const records = useMemo(() => newestFirst(model.records), [model.records]);
  const { stats, state, settings } = model;
  const record = selected ? model.records.get(selected) : undefined;

  return (
    <main class="viewer">
      <header class="bar">
        <h1>Trodo QA</h1>
        <dl class="counts" data-testid="counts">
          <Count label="captured" value={stats.captured} />
          <Count label="queued" value={stats.queued} />
          <Count label="sent" value={stats.sent} />
          <Count label="failed" value={stats.dropped} />
        </dl>
        <div class="actions">
          <button type="button" data-testid="flush" onClick={() => send({ type: 'flush' })}>Flush now</button>
          <button type="button" data-testid="clear" onClick={() => { setSelected(null); send({ type: 'clear' }); }}>Clear</button>
          <button type="button" class="quiet" onClick={openOptions} aria-label="Settings">⚙</button>
        </div>
      </header>
      {state.degraded && <p class="banner error" data-testid="degraded">Durability degraded: {state.degraded}</p>}
      {state.held && <p class="banner warn" data-testid="held">{state.held}</p>}
      {!state.held && state.lastError && (
        <p class="banner error" data-testid="delivery-error">
          Delivery failing ({state.failures}×): {state.lastError}
          {state.nextAttemptAt ? ` — next attempt in ${Math.max(0, Math.ceil((state.nextAttemptAt - Date.now()) / 1000))}s` : ''}
        </p>
      )}
      {settings && !settings.captureEnabled && <p class="banner warn">Capture is off: pages do not record events.</p>}
      {settings && (
        <p class="target" data-testid="target">
          Sending to <code>{settings.apiHost}</code>
          {settings.siteId ? <> as <code>{settings.siteId}</code></> : null}
        </p>
      )}
      <div class={`panes ${record ? 'with-detail' : ''}`}>
        <EventList records={records} selected={selected} held={state.held} onSelect={setSelected} />
        {record && <EventDetail record={record} held={state.held} onClose={() => setSelected(null)} />}
      </div>
    </main>
  );
}

function Count({ label, value }: { label: string; value: number }) {
  return (
    <div class="count" data-testid={`count-${label}`}>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}
