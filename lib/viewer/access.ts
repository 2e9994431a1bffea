/**
 * Host access the browser may withhold. Firefox treats an MV3 extension's host permissions
 * as the user's to grant or revoke (about:addons → Permissions, or per site from the
 * extensions button), and Chrome lets the user restrict site access too. Without access
 * to a site the tracker is not injected there; without access to the ingestion host the
 * worker's requests depend on the server allowing cross-origin calls.
 */

/** How the viewer asks the browser about host access (effects passed in). */
export interface SiteAccess {
  /** The origin patterns the extension holds now (`permissions.getAll().origins`). */
  granted(): Promise<string[]>;
  /** Browsers ask the user only inside a user gesture: call it from a click handler, first. */
  request(patterns: string[]): Promise<boolean>;
}

export interface MissingAccess {
  /** The match pattern to ask for. */
  pattern: string;
  host: string;
  role: 'site' | 'ingestion';
}

/** The match pattern for an origin: match patterns carry no port, so the host alone. */
export function accessPattern(origin: string): string | null {
  try {
    const url = new URL(origin);
    return url.protocol === 'http:' || url.protocol === 'https:' ? `${url.protocol}//${url.hostname}/*` : null;
  } catch {
    return null;
  }
}

/**
 * Whether a granted match pattern covers an origin. `permissions.contains()` cannot be
 * used: Chrome answers false for hosts granted through content-script matches only
 * (`<all_urls>`), though the tracker runs there.
 */
export function covers(pattern: string, origin: string): boolean {
  if (pattern === '<all_urls>') return true;
  const match = /^(\*|https?):\/\/([^/]+)\//.exec(pattern);
  if (!match) return false;
  const url = new URL(origin);
  const [, scheme, host] = match;
  if (scheme === '*' ? url.protocol !== 'http:' && url.protocol !== 'https:' : `${scheme}:` !== url.protocol) return false;
  if (host === '*') return true;
  if (host!.startsWith('*.')) return url.hostname === host!.slice(2) || url.hostname.endsWith(host!.slice(1));
  return url.hostname === host;
}

/** Which of the current site and the ingestion host the extension may not reach. */
export async function missingAccess(access: SiteAccess, site: string | null, apiHost: string | null): Promise<MissingAccess[]> {
  const granted = await access.granted().catch(() => null);
  // Without an answer, say nothing rather than blame access that may well be there.
  if (!granted) return [];
  const missing: MissingAccess[] = [];
  for (const [origin, role] of [[site, 'site'], [apiHost, 'ingestion']] as const) {
    const pattern = origin && accessPattern(origin);
    if (!pattern || missing.some((m) => m.pattern === pattern)) continue;
    if (!granted.some((g) => covers(g, origin))) missing.push({ pattern, host: new URL(origin).hostname, role });
  }
  return missing;
}
