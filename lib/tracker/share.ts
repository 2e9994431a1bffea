import type { Identity } from './identity';

/** The BroadcastChannel the origin's tabs share their identity and session on. */
export const STATE_CHANNEL = 'trodo-qa:state';

/**
 * Two tabs of one origin must be one user in one session. BroadcastChannel is scoped to the
 * origin already; the constructor and postMessage are captured at document_start so that a
 * page replacing them later cannot cut tabs apart. Receivers validate what they get: page
 * scripts can post on the same channel. The channel opens on first use, after the page's load.
 */
export function createStateChannel(win: Window & typeof globalThis) {
  const Channel = win.BroadcastChannel;
  if (!Channel) return undefined;
  const post = Channel.prototype.postMessage;
  let channel: BroadcastChannel | null | undefined;
  const open = () => {
    if (channel === undefined) {
      try {
        channel = new Channel(STATE_CHANNEL);
      } catch {
        channel = null; // opaque origins (sandboxed frames) cannot open one
      }
    }
    return channel;
  };
  return {
    post(state: Identity) {
      const ch = open();
      if (ch) post.call(ch, state);
    },
    listen(receive: (state: unknown) => void) {
      const ch = open();
      if (ch) ch.onmessage = (event) => receive(event.data);
    },
  };
}
