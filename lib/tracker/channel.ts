import { BRIDGE_TO_PAGE, PAGE_TO_BRIDGE, type BridgeMessage } from '../protocol';

/**
 * The page side of the page ⇄ bridge channel: CustomEvents on `window` whose detail is a
 * JSON string. The natives are captured when the tracker starts (document_start, before
 * any page script), so a page that later replaces them cannot break delivery.
 */
export function createPageChannel(win: Window & typeof globalThis, onMessage: (message: BridgeMessage) => void, debug: (m: string) => void) {
  const Custom = win.CustomEvent;
  const dispatch = win.EventTarget.prototype.dispatchEvent;
  const parse = win.JSON.parse;

  win.addEventListener(BRIDGE_TO_PAGE, (event) => {
    const detail = (event as CustomEvent<unknown>).detail;
    if (typeof detail !== 'string') return;
    let message: unknown;
    try {
      message = parse(detail);
    } catch {
      return;
    }
    if (isBridgeMessage(message)) onMessage(message);
    else debug('ignored a malformed message on the bridge channel');
  });

  return {
    post(json: string) {
      dispatch.call(win, new Custom(PAGE_TO_BRIDGE, { detail: json }));
    },
  };
}

function isBridgeMessage(value: unknown): value is BridgeMessage {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as Record<string, unknown>;
  if (m.t === 'ready') return typeof m.capture === 'boolean' && typeof m.autoEvents === 'boolean';
  if (m.t === 'merge') return typeof m.identifyId === 'string' && typeof m.distinctId === 'string';
  return m.t === 'ack' && Array.isArray(m.ids) && m.ids.every((id) => typeof id === 'string');
}
