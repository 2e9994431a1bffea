import { describe, expect, it } from 'vitest';
import { DEFAULT_BACKOFF, backoffDelay, parseRetryAfter } from '../../lib/delivery/backoff';

describe('backoffDelay (full jitter)', () => {
  const policy = { baseMs: 1000, capMs: 60_000 };

  it('waits random × min(cap, base · 2^(failures − 1))', () => {
    expect(backoffDelay(1, policy, () => 0.5)).toBe(500);
    expect(backoffDelay(2, policy, () => 0.5)).toBe(1000);
    expect(backoffDelay(3, policy, () => 0.5)).toBe(2000);
    expect(backoffDelay(4, policy, () => 0.25)).toBe(2000);
    expect(backoffDelay(3, DEFAULT_BACKOFF, () => 0.5)).toBe(2000);
  });

  it('spans 0 up to the ceiling', () => {
    for (let failures = 1; failures <= 12; failures++) {
      const ceiling = Math.min(60_000, 1000 * 2 ** (failures - 1));
      expect(backoffDelay(failures, policy, () => 0)).toBe(0);
      expect(backoffDelay(failures, policy, () => 0.999_999_9)).toBe(ceiling);
      for (let i = 0; i < 50; i++) {
        const delay = backoffDelay(failures, policy, Math.random);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThanOrEqual(ceiling);
        expect(Number.isInteger(delay)).toBe(true);
      }
    }
  });

  it('is capped, even after very many failures', () => {
    expect(backoffDelay(7, policy, () => 1)).toBe(60_000);
    expect(backoffDelay(50, policy, () => 1)).toBe(60_000);
    expect(backoffDelay(5000, policy, () => 1)).toBe(60_000);
  });

  it('treats zero or negative failures like the first', () => {
    expect(backoffDelay(0, policy, () => 1)).toBe(1000);
    expect(backoffDelay(-3, policy, () => 1)).toBe(1000);
  });

  it('actually jitters: different random values give different waits', () => {
    const delays = new Set([0.1, 0.3, 0.6, 0.9].map((r) => backoffDelay(5, policy, () => r)));
    expect(delays.size).toBe(4);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.UTC(2025, 0, 1, 12, 0, 0);

  it('reads delay-seconds', () => {
    expect(parseRetryAfter('0', now)).toBe(0);
    expect(parseRetryAfter('2', now)).toBe(2000);
    expect(parseRetryAfter(' 120 ', now)).toBe(120_000);
    expect(parseRetryAfter('1.5', now)).toBe(1500);
  });

  it('reads an HTTP date relative to now', () => {
    expect(parseRetryAfter('Wed, 01 Jan 2025 12:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter(new Date(now + 90_000).toUTCString(), now)).toBe(90_000);
  });

  it('never gives a negative wait for a date in the past', () => {
    expect(parseRetryAfter('Wed, 01 Jan 2025 11:00:00 GMT', now)).toBe(0);
  });

  it.each([null, '', '   ', 'soon', 'in a minute', 'NaN'])('gives null for absent or unreadable %j', (header) => {
    expect(parseRetryAfter(header, now)).toBeNull();
  });
});
