import type { ServerFeedState } from '../protocol';

/** Whether the backend's events (the local collector's stream) reach this timeline, and if not, why. */
export function ServerFeedStatus({ state, now }: { state: ServerFeedState; now: number }) {
  switch (state.kind) {
    case 'live':
      return <span class="server-feed live" data-testid="server-feed" data-state="live" title="Events the collector receives from your backend appear here with a server badge">● server events live</span>;
    case 'connecting':
      return <span class="server-feed muted" data-testid="server-feed" data-state="connecting">server events: connecting…</span>;
    case 'off':
      return <span class="server-feed muted" data-testid="server-feed" data-state="off" title={state.why}>Server events not available: {state.why}</span>;
    case 'unavailable': {
      const wait = Math.max(0, Math.ceil((state.retryAt - now) / 1000));
      return (
        <span class="server-feed warn" data-testid="server-feed" data-state="unavailable">
          Server events not available: {state.error}{wait ? ` (retry in ${wait} s)` : ''}
        </span>
      );
    }
  }
}
