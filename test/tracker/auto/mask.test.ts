import { describe, expect, it } from 'vitest';
import { cleanUrl, mask } from '../../../lib/tracker/auto/mask';

describe('mask', () => {
  it('masks emails, card-shaped and SSN-shaped numbers anywhere in the text', () => {
    expect(mask('Mail jo.doe+qa@example.co.uk now')).toBe('Mail [email] now');
    expect(mask('card 4111 1111 1111 1111 ok')).toBe('card [card] ok');
    expect(mask('card 4111-1111-1111-1111')).toBe('card [card]');
    expect(mask('pan 4111111111111111')).toBe('pan [card]');
    expect(mask('amex 3782 822463 10005')).toBe('amex [card]');
    expect(mask('ssn 123-45-6789 and 123 45 6789')).toBe('ssn [ssn] and [ssn]');
  });

  it('leaves ordinary numbers alone', () => {
    expect(mask('Order 12345 costs 99.50, call 555-1234')).toBe('Order 12345 costs 99.50, call 555-1234');
    expect(mask('2026-11-25')).toBe('2026-11-25');
  });

  it('collapses whitespace and cuts to 100 characters after masking', () => {
    expect(mask('  a \n\t b  ')).toBe('a b');
    expect(mask('x'.repeat(500))).toHaveLength(100);
    expect(mask('x'.repeat(95) + ' jo@example.com')).toBe('x'.repeat(95) + ' [ema');
    expect(mask(null)).toBe('');
  });

  it('cleanUrl drops query values, keeps names, and masks the rest', () => {
    expect(cleanUrl('https://a.test/p?email=jo@x.io&page=2#top')).toBe('https://a.test/p?email=&page=#top');
    expect(cleanUrl('https://a.test/u/jo%40x.io/orders')).toBe('https://a.test/u/[email]/orders');
    expect(cleanUrl('https://a.test/api?token')).toBe('https://a.test/api?token');
  });
});
