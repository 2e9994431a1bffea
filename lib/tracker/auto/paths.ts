/**
 * Whether `path` is covered by one disabled-path entry. An entry with `*` is a glob
 * (`*` within one segment, `**` across segments); any other entry matches that path and
 * everything under it (`/admin` covers `/admin` and `/admin/users`, not `/administer`),
 * as the official SDK's prefix rule does. Trailing slashes do not matter.
 *
 * @example
 * pathMatches('/admin', '/admin/users')   // true
 * pathMatches('/docs/*', '/docs/a')        // true
 * pathMatches('/docs/*', '/docs/a/b')      // false
 * pathMatches('/shop/**', '/shop/a/b')     // true
 */
export function pathMatches(pattern: string, path: string): boolean {
  const p = trim(pattern);
  const here = trim(path);
  if (!p.includes('*')) return here === p || here.startsWith(p + '/') || p === '';
  const source = p
    .split(/(\*\*|\*)/)
    .map((part) => (part === '**' ? '.*' : part === '*' ? '[^/]*' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`).test(here);
}

function trim(path: string): string {
  return String(path).trim().replace(/\/+$/, '');
}
