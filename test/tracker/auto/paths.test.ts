import { describe, expect, it } from 'vitest';
import { pathMatches } from '../../../lib/tracker/auto/paths';

describe('pathMatches', () => {
  it('treats a plain entry as the path and everything under it', () => {
    expect(pathMatches('/admin', '/admin')).toBe(true);
    expect(pathMatches('/admin', '/admin/users')).toBe(true);
    expect(pathMatches('/admin/', '/admin')).toBe(true);
    expect(pathMatches('/admin', '/administer')).toBe(false);
    expect(pathMatches('/admin', '/')).toBe(false);
  });

  it('treats * as one segment and ** as any number', () => {
    expect(pathMatches('/docs/*', '/docs/a')).toBe(true);
    expect(pathMatches('/docs/*', '/docs/a/b')).toBe(false);
    expect(pathMatches('/docs/**', '/docs/a/b')).toBe(true);
    expect(pathMatches('/*/settings', '/team/settings')).toBe(true);
    expect(pathMatches('*.html', '/auto/page.html')).toBe(false);
    expect(pathMatches('/**/*.html', '/auto/page.html')).toBe(true);
  });

  it('escapes regular-expression characters in entries', () => {
    expect(pathMatches('/a.b/*', '/a.b/x')).toBe(true);
    expect(pathMatches('/a.b/*', '/aXb/x')).toBe(false);
  });
});
