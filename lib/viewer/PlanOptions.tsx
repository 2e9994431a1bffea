import { useState } from 'preact/hooks';
import type { ViewerToWorker } from '../protocol';
import type { ViewerModel } from './model';

interface Props {
  model: ViewerModel;
  send: (command: ViewerToWorker) => void;
  /** Asks the browser for permission to read from this origin; false when refused. */
  requestHost: (origin: string) => Promise<boolean>;
}

/**
 * Loading the tracking plan: a file, pasted JSON, or a URL. The worker checks it and either
 * takes it or answers with where it is wrong; the plan in force stays until one is taken.
 */
export function PlanOptions({ model, send, requestHost }: Props) {
  const [text, setText] = useState('');
  const [url, setUrl] = useState('');
  const [fetchError, setFetchError] = useState<string | null>(null);
  const load = (planText: string, source: string) => {
    setFetchError(null);
    send({ type: 'load-plan', text: planText, source });
  };

  async function loadUrl() {
    let target: URL;
    try {
      target = new URL(url.trim());
      if (target.protocol !== 'https:' && target.protocol !== 'http:') throw new Error();
    } catch {
      return setFetchError('Enter an http:// or https:// URL of a plan JSON file.');
    }
    if (!(await requestHost(target.origin))) return setFetchError(`Permission to read from ${target.origin} was not granted.`);
    try {
      const response = await fetch(target.href, { cache: 'no-store' });
      if (!response.ok) return setFetchError(`${target.href} answered HTTP ${response.status}.`);
      load(await response.text(), target.href);
    } catch (error) {
      setFetchError(`Could not read ${target.href}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  const { plan, planError } = model;
  const error = fetchError ?? planError;
  return (
    <section class="plan-options" aria-label="Tracking plan">
      <h2>Tracking plan</h2>
      <p data-testid="plan-current">
        {plan ? (
          <>In force: <strong>{plan.plan.name}</strong> v{plan.plan.version} · {Object.keys(plan.plan.events).length} events · from {plan.source}</>
        ) : (
          <span class="muted">No plan: events are not checked.</span>
        )}
      </p>
      {error && <p class="error" role="alert" data-testid="plan-error">{error}</p>}
      <label class="field">
        <span class="label">From a file</span>
        <input
          type="file"
          accept=".json,application/json"
          data-testid="plan-file"
          onChange={async (e) => {
            const file = (e.currentTarget as HTMLInputElement).files?.[0];
            if (file) load(await file.text(), `file ${file.name}`);
          }}
        />
        <span class="hint">This format (lib/plan/plan.schema.json) or a Segment Protocols tracking plan export.</span>
      </label>
      <label class="field">
        <span class="label">Pasted</span>
        <textarea rows={6} data-testid="plan-text" value={text} placeholder='{ "name": "Acme web", "version": "3", "events": { … } }' onInput={(e) => setText((e.currentTarget as HTMLTextAreaElement).value)} />
      </label>
      <div class="actions">
        <button type="button" data-testid="plan-load-text" disabled={!text.trim()} onClick={() => load(text, 'paste')}>Load pasted plan</button>
      </div>
      <label class="field">
        <span class="label">From a URL</span>
        <input type="url" data-testid="plan-url" value={url} placeholder="https://example.com/tracking-plan.json" onInput={(e) => setUrl((e.currentTarget as HTMLInputElement).value)} />
      </label>
      <div class="actions">
        <button type="button" data-testid="plan-load-url" disabled={!url.trim()} onClick={() => void loadUrl()}>Load from URL</button>
        {plan && <button type="button" class="danger" data-testid="plan-remove" onClick={() => send({ type: 'unload-plan' })}>Remove plan</button>}
      </div>
    </section>
  );
}
