import type { ViewerToWorker } from '../protocol';
import { siteSending } from '../sending';
import type { Settings } from '../settings';

interface Props {
  settings: Settings;
  /** The current tab's origin. */
  site: string;
  /** How many of its events are held. */
  held: number;
  send: (command: ViewerToWorker) => void;
}

/**
 * For the current tab: are its events sent, held or not captured, and where would they go.
 * Held: one click enables the site. The rule itself is lib/sending.ts, shared with the worker.
 */
export function SendingStatus({ settings, site, held, send }: Props) {
  const status = siteSending(settings, site);
  const host = hostOf(settings.apiHost);
  const set = (on: boolean) => send({ type: 'site-sending', origin: site, send: on });
  const heldNote = held ? ` (${held} held)` : '';
  let text: string;
  let action: preact.ComponentChildren = null;
  switch (status.why) {
    case 'paused':
      text = 'Not captured: capture is paused.';
      break;
    case 'site-off':
      text = 'Not captured: capture is off for this site.';
      break;
    case 'outside-build-sites':
      text = 'Not captured: this site is not in the sites this extension was built for.';
      break;
    case 'no-site-id':
      text = `Held: no site id is set; events would go to ${host}${heldNote}.`;
      break;
    case 'loopback':
      text = `Sent to ${host}: a local collector on loopback, so every site's events go there and nothing leaves this machine.`;
      break;
    case 'build':
      text = `Sent to ${host}: this site is in the extension's build.`;
      break;
    case 'enabled':
      text = `Sent to ${host}.`;
      action = <button type="button" data-testid="stop-sending" onClick={() => set(false)}>Stop sending this site</button>;
      break;
    case 'site-not-enabled':
      text = `Held: site not enabled for sending${heldNote}.`;
      action = <button type="button" data-testid="send-site" onClick={() => set(true)}>Send this site's events to {host}</button>;
      break;
  }
  return (
    <p class={`sending ${status.kind}`} data-testid="sending" data-sending={status.kind}>
      <span data-testid="sending-text">{text}</span>
      {action}
    </p>
  );
}

function hostOf(apiHost: string): string {
  try {
    return new URL(apiHost).host;
  } catch {
    return apiHost;
  }
}
