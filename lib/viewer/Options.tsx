import { useEffect, useState } from 'preact/hooks';
import { isLoopbackHost } from '../sending';
import { BOUNDS, checkSettings, type Settings } from '../settings';
import type { ViewerPort } from './connection';
import { PlanOptions } from './PlanOptions';
import { useWorker } from './use-worker';

type Errors = Partial<Record<keyof Settings, string>>;

const NUMBER_FIELDS: { key: keyof typeof BOUNDS; label: string; hint: string }[] = [
  { key: 'batchSize', label: 'Batch size', hint: 'Events per request; a full batch is sent at once.' },
  { key: 'flushIntervalMs', label: 'Flush interval (ms)', hint: 'How long a partial batch waits.' },
  { key: 'maxBackoffMs', label: 'Longest retry wait (ms)', hint: 'Backoff after a failed request grows from 1 s up to this; delivery resumes within this long of the server recovering.' },
  { key: 'requestTimeoutMs', label: 'Request timeout (ms)', hint: 'A request unanswered by then is aborted and retried.' },
  { key: 'maxQueueEvents', label: 'Queue limit (events)', hint: 'Past it the oldest unsent events are dropped and shown as dropped: queue full.' },
  { key: 'historyLimit', label: 'History limit (events)', hint: 'How many events the viewer keeps; past it (or past 128 MB) the oldest sent and dropped ones are forgotten. Queued events always stay.' },
];

interface Props {
  connect: () => ViewerPort;
  /** Asks the browser for permission to post to this origin; false when refused. */
  requestHost: (origin: string) => Promise<boolean>;
}

/** Settings: where events go, under which site id, and how they are batched. */
export function Options({ connect, requestHost }: Props) {
  const { model, send } = useWorker(connect);
  const [draft, setDraft] = useState<Settings | null>(null);
  const [errors, setErrors] = useState<Errors>({});
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    if (model.settings) setDraft(model.settings);
  }, [model.settings]);
  useEffect(() => setErrors(model.settingsErrors), [model.settingsErrors]);

  if (!draft || !model.settings) return <p>Loading…</p>;
  const current = model.settings;

  const field = (key: keyof Settings) => (event: Event) => {
    const input = event.currentTarget as HTMLInputElement;
    setSaved(false);
    setDraft({ ...draft, [key]: input.type === 'checkbox' ? input.checked : input.type === 'number' ? Number(input.value) : input.value });
  };

  async function save(event: Event) {
    event.preventDefault();
    const check = checkSettings(current, draft);
    if (!check.ok) return setErrors(check.errors);
    const origin = new URL(check.settings.apiHost).origin;
    if (origin !== new URL(current.apiHost).origin && !(await requestHost(origin))) {
      return setErrors({ apiHost: `Permission to send to ${origin} was not granted` });
    }
    setErrors({});
    send({ type: 'save-settings', change: check.settings });
    setSaved(true);
  }

  const sitesField = (key: 'disabledSites' | 'sendingSites', label: string, hint: string) => (
    <Field label={label} error={errors[key]} hint={hint}>
      <textarea
        name={key}
        rows={4}
        value={draft[key].join('\n')}
        onInput={(e) => {
          setSaved(false);
          setDraft({ ...draft, [key]: (e.currentTarget as HTMLTextAreaElement).value.split('\n').map((s) => s.trim()).filter(Boolean) });
        }}
      />
    </Field>
  );

  return (
    <main class="options">
      <h1>Trodo QA settings</h1>
      <form onSubmit={save} noValidate>
        <Field label="Ingestion host" error={errors.apiHost} hint="Trodo's API (https://sdkapi.trodo.ai) or the local collector (http://127.0.0.1:4318)">
          <input name="apiHost" type="url" value={draft.apiHost} onInput={field('apiHost')} />
        </Field>
        <Field
          label="Site id"
          error={errors.siteId ?? (draft.siteId.trim() ? undefined : 'No site id: events are captured and shown, but held until you set one.')}
          hint="Sent as X-Trodo-Site-Id."
        >
          <input name="siteId" value={draft.siteId} onInput={field('siteId')} />
        </Field>
        {NUMBER_FIELDS.map(({ key, label, hint }) => (
          <Field key={key} label={label} error={errors[key]} hint={hint}>
            <input name={key} type="number" min={BOUNDS[key].min} max={BOUNDS[key].max} value={draft[key]} onInput={field(key)} />
          </Field>
        ))}
        <label class="check">
          <input name="captureEnabled" type="checkbox" checked={draft.captureEnabled} onChange={field('captureEnabled')} />
          Capture events on pages
        </label>
        <label class="check">
          <input name="autoEvents" type="checkbox" checked={draft.autoEvents} onChange={field('autoEvents')} />
          Auto-events (page views, clicks, forms, errors, performance…)
        </label>
        {sitesField('disabledSites', 'Sites where capture is off', 'One origin per line, e.g. https://www.example.com. The popup\'s site switch edits this list.')}
        {sitesField(
          'sendingSites',
          'Sites whose events are sent',
          isLoopbackHost(draft.apiHost)
            ? 'The ingestion host is on loopback: every site\'s events are sent to it, and nothing leaves this machine.'
            : 'One origin per line. Events of other sites are captured and shown, but held: nothing leaves the browser for a site you did not choose. The popup\'s "Send this site\'s events" adds to this list.',
        )}
        <div class="actions">
          <button type="submit" data-testid="save">Save</button>
          {saved && Object.keys(errors).length === 0 && <span role="status">Saved.</span>}
        </div>
      </form>
      <PlanOptions model={model} send={send} requestHost={requestHost} />
    </main>
  );
}

function Field({ label, hint, error, children }: { label: string; hint: string; error?: string; children: preact.ComponentChildren }) {
  return (
    <label class="field">
      <span class="label">{label}</span>
      {children}
      {error ? <span class="error" role="alert">{error}</span> : <span class="hint">{hint}</span>}
    </label>
  );
}
