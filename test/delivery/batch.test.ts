import { describe, expect, it } from 'vitest';
import { rejectedItems, splitAfter413 } from '../../lib/delivery/batch';

describe('splitAfter413', () => {
  it('halves a batch of several, rounding up', () => {
    expect(splitAfter413(50, 50)).toEqual({ dropAlone: false, limit: 25 });
    expect(splitAfter413(3, 50)).toEqual({ dropAlone: false, limit: 2 });
  });
  it('drops an event alone and returns to the full batch size', () => {
    expect(splitAfter413(1, 50)).toEqual({ dropAlone: true, limit: 50 });
  });
});

describe('rejectedItems', () => {
  const batch = ['a', 'b', 'c'].map((id) => ({ id, event: {} }));
  it('takes the items the server named', () => {
    expect(rejectedItems(batch, new Map([['b', 'bad name']])).map((i) => i.id)).toEqual(['b']);
  });
  it('takes the whole batch when none of it was named', () => {
    expect(rejectedItems(batch, new Map([['zzz', 'other batch']])).map((i) => i.id)).toEqual(['a', 'b', 'c']);
  });
});
