import { openPrivateChannel } from '../page-channel';
import type { BridgeToPage } from '../protocol';

/**
 * The page side of the page ⇄ bridge channel (lib/page-channel.ts): JSON strings on a DOM
 * node that only the tracker and the bridge hold, so every message on it is one the bridge
 * built. Only where no bridge ever came (nothing is delivered there anyway) could a page
 * pair with the tracker itself: what it sends then may be ignored, never thrown back at it.
 */
export function createPageChannel(win: Window & typeof globalThis, onMessage: (message: BridgeToPage) => void) {
  const parse = win.JSON.parse;
  return openPrivateChannel(win, 'page', (detail) => {
    try {
      onMessage(parse(detail as string) as BridgeToPage);
    } catch {
      // not a message of the bridge's
    }
  });
}
