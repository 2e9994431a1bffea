import { describe, expect, it } from 'vitest';
import { selectorPath } from '../../../lib/tracker/auto/element';

/** Just enough of an Element for selectorPath, which reads tag, id, class and parent. */
function el(tagName: string, attrs: { id?: string; class?: string } = {}, parentElement: unknown = null) {
  return { tagName, id: attrs.id ?? '', parentElement, getAttribute: (name: string) => (name === 'class' ? attrs.class ?? null : null) } as unknown as Element;
}

describe('selectorPath', () => {
  const html = el('HTML');
  const body = el('BODY', {}, html);

  it('stops at the nearest id', () => {
    const main = el('MAIN', { id: 'app' }, body);
    const card = el('DIV', { class: 'card  wide extra' }, main);
    const button = el('BUTTON', { class: 'buy primary' }, card);
    expect(selectorPath(button)).toBe('main#app > div.card.wide > button.buy.primary');
  });

  it('keeps at most four levels and never includes html', () => {
    let node = el('DIV', {}, body);
    for (let i = 0; i < 5; i++) node = el('SPAN', {}, node);
    expect(selectorPath(node)).toBe('span > span > span > span');
    expect(selectorPath(el('P', {}, body))).toBe('body > p');
  });

  it('masks personal data in ids and classes', () => {
    expect(selectorPath(el('DIV', { id: 'user-jo@x.io' }, body))).toBe('div#[email]');
  });
});
