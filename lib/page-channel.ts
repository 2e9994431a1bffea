/**
 * The private channel between the page tracker (MAIN world) and the bridge (isolated world).
 *
 * Anything sent through `window` — messages, DOM events — can be read and forged by page
 * scripts. So the two sides meet once, at document_start, before any page script exists:
 * each offers a detached element of its own in a synchronous `MouseEvent` on `window`
 * (`relatedTarget` carries a DOM node across worlds), and whichever side runs second finds
 * the first one listening, which takes the node and cancels the event. From then on both
 * talk only through CustomEvents dispatched on that element, which no page script can
 * reach, and both stop listening on `window`. A page's forged offers and old-style window
 * messages are simply not on the channel.
 *
 * Everything used after the handshake is captured (and bound) here, at document_start, so a
 * page that later replaces `dispatchEvent`, `CustomEvent` or `Function.prototype.call`
 * cannot see or break the channel (`call` is used only during the handshake).
 */
const HANDSHAKE = 'trodo-qa';

/** Which way a message goes: each side listens for the other side's direction only. */
export type ChannelSide = 'page' | 'bridge';

export interface PrivateChannel {
  /**
   * Sends a JSON string to the other side. Before the two sides have met there is no one to
   * hear it and it is dropped: the protocol never needs that (the tracker's `hello` is only
   * a nudge, and the bridge's `ready` answers the next `hello` or comes after the meeting).
   */
  post(json: string): void;
}

export function openPrivateChannel(win: Window & typeof globalThis, side: ChannelSide, receive: (detail: unknown) => void): PrivateChannel {
  const { EventTarget: Target, CustomEvent: Custom, MouseEvent: Mouse } = win;
  const on = Target.prototype.addEventListener;
  const dispatch = Target.prototype.dispatchEvent;
  const inbound = HANDSHAKE + side;
  const outbound = HANDSHAKE + (side === 'page' ? 'bridge' : 'page');
  let send: ((json: string) => void) | undefined;

  function listen(node: EventTarget) {
    on.call(node, inbound, (event) => receive((event as CustomEvent<unknown>).detail));
  }

  function connect(node: EventTarget) {
    const fire = dispatch.bind(node);
    send = (json) => fire(new Custom(outbound, { detail: json }));
  }

  // Listening on its own node before offering it: the other side may post at once.
  const mine = win.document.createElement('trodo');
  listen(mine);
  if (!dispatch.call(win, new Mouse(HANDSHAKE, { relatedTarget: mine, cancelable: true }))) connect(mine);
  else {
    // Not cancelled: the other side is not there yet. Its offer is the first one after this
    // (no page script has run yet); any later one, forged by the page, finds `send` set.
    on.call(win, HANDSHAKE, (event) => {
      const node = (event as MouseEvent).relatedTarget;
      if (send || !node) return;
      event.preventDefault();
      listen(node);
      connect(node);
    });
  }

  return {
    post: (json) => send?.(json),
  };
}
