import { describe, expect, it } from 'vitest';
import { accessPattern, covers, missingAccess, type SiteAccess } from '../../lib/viewer/access';

/** An extension holding these origin patterns. */
function holding(...patterns: string[]): SiteAccess {
  return { granted: async () => patterns, request: async () => false };
}

describe('accessPattern', () => {
  it('drops the port, which match patterns cannot carry', () => {
    expect(accessPattern('http://127.0.0.1:4318')).toBe('http://127.0.0.1/*');
    expect(accessPattern('https://shop.example')).toBe('https://shop.example/*');
  });
  it('has none for pages that are not web pages, or no URL at all', () => {
    expect(accessPattern('moz-extension://abc')).toBeNull();
    expect(accessPattern('not a url')).toBeNull();
  });
});

describe('covers', () => {
  it.each([
    ['<all_urls>', 'https://shop.example', true],
    ['https://*/*', 'https://shop.example', true],
    ['https://*/*', 'http://shop.example', false],
    ['*://*/*', 'http://127.0.0.1:4319', true],
    ['http://127.0.0.1/*', 'http://127.0.0.1:4319', true],
    ['http://localhost/*', 'http://127.0.0.1:4319', false],
    ['https://*.example/*', 'https://shop.example', true],
    ['https://*.example/*', 'https://example', true],
    ['https://*.example/*', 'https://notexample', false],
    ['https://sdkapi.trodo.ai/*', 'https://evil.trodo.ai', false],
  ])('%s covers %s: %s', (pattern, origin, expected) => {
    expect(covers(pattern, origin)).toBe(expected);
  });
});

describe('missingAccess', () => {
  it("is empty with Chrome's grant: <all_urls> from the content scripts", async () => {
    expect(await missingAccess(holding('<all_urls>', 'https://sdkapi.trodo.ai/*'), 'https://shop.example', 'https://sdkapi.trodo.ai')).toEqual([]);
  });

  it('names the site and the ingestion host the browser withholds, each with its role', async () => {
    expect(await missingAccess(holding('https://other.example/*'), 'https://shop.example', 'https://sdkapi.trodo.ai')).toEqual([
      { pattern: 'https://shop.example/*', host: 'shop.example', role: 'site' },
      { pattern: 'https://sdkapi.trodo.ai/*', host: 'sdkapi.trodo.ai', role: 'ingestion' },
    ]);
  });

  it('asks once when the site and the collector share a host', async () => {
    const missing = await missingAccess(holding('https://sdkapi.trodo.ai/*'), 'http://127.0.0.1:4319', 'http://127.0.0.1:4318');
    expect(missing).toEqual([{ pattern: 'http://127.0.0.1/*', host: '127.0.0.1', role: 'site' }]);
  });

  it('skips what is not a web origin, and never blames access it could not check', async () => {
    const broken: SiteAccess = { granted: () => Promise.reject(new Error('no permissions API')), request: async () => false };
    expect(await missingAccess(broken, 'https://shop.example', 'https://sdkapi.trodo.ai')).toEqual([]);
    expect(await missingAccess(holding(), 'moz-extension://x', null)).toEqual([]);
  });
});
