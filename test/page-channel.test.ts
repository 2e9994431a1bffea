import { describe, expect, it } from 'vitest';
import { openPrivateChannel } from '../lib/page-channel';

/**
 * One window standing in for both worlds (in the browser the MAIN and isolated worlds share
 * the DOM and its events, not their JavaScript): Node's EventTarget and CustomEvent, and a
 * MouseEvent that carries `relatedTarget` as the browser's does.
 */
function fakeWindow() {
  class MouseEvent extends Event {
    relatedTarget: EventTarget | null;
    constructor(type: string, init: EventInit & { relatedTarget?: EventTarget | null } = {}) {
      super(type, init);
      this.relatedTarget = init.relatedTarget ?? null;
    }
  }
  const win = new EventTarget() as EventTarget & Record<string, unknown>;
  Object.assign(win, { EventTarget, CustomEvent, MouseEvent, document: { createElement: () => new EventTarget() } });
  return win as unknown as Window & typeof globalThis;
}

function sides(win: Window & typeof globalThis, order: ['page' | 'bridge', 'page' | 'bridge']) {
  const got = { page: [] as unknown[], bridge: [] as unknown[] };
  const [first, second] = order.map((side) => openPrivateChannel(win, side, (detail) => got[side].push(detail)));
  const channel = { [order[0]]: first!, [order[1]]: second! } as Record<'page' | 'bridge', ReturnType<typeof openPrivateChannel>>;
  return { got, page: channel.page, bridge: channel.bridge };
}

describe('the private tracker ⇄ bridge channel', () => {
  for (const order of [['page', 'bridge'], ['bridge', 'page']] as const) {
    it(`connects whichever side starts first (${order.join(' then ')}), each side hearing only the other`, () => {
      const { got, page, bridge } = sides(fakeWindow(), [...order]);
      page.post('{"type":"hello"}');
      bridge.post('{"type":"ready"}');
      expect(got.bridge).toEqual(['{"type":"hello"}']);
      expect(got.page).toEqual(['{"type":"ready"}']);
    });
  }

  it('puts nothing on window after the handshake, and a later offer (forged by the page) is not taken', () => {
    const win = fakeWindow();
    const { got, page } = sides(win, ['page', 'bridge']);
    const seenOnWindow: string[] = [];
    for (const type of ['trodo-qa', 'trodo-qapage', 'trodo-qabridge']) win.addEventListener(type, () => seenOnWindow.push(type));
    const forged = new EventTarget();
    const offer = new (win.MouseEvent as unknown as new (t: string, i: object) => Event)('trodo-qa', { relatedTarget: forged, cancelable: true });
    expect(win.dispatchEvent(offer)).toBe(true); // no one cancelled it: no one took the page's node
    forged.dispatchEvent(new CustomEvent('trodo-qapage', { detail: '{"type":"ready","capture":false}' }));
    page.post('{"type":"events"}');
    expect(got.page).toEqual([]);
    expect(got.bridge).toEqual(['{"type":"events"}']);
    expect(seenOnWindow).toEqual(['trodo-qa']); // only the page's own forged offer
  });

  it('drops what is posted before the other side exists (the protocol re-asks) and delivers after', () => {
    const win = fakeWindow();
    const got: unknown[] = [];
    const page = openPrivateChannel(win, 'page', () => {});
    page.post('{"type":"hello"}');
    openPrivateChannel(win, 'bridge', (detail) => got.push(detail));
    page.post('{"type":"hello","n":2}');
    expect(got).toEqual(['{"type":"hello","n":2}']);
  });
});
