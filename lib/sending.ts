import { captureOn, type Settings } from './settings';

/**
 * Whether a site's events leave the browser: the one place that decides it, read by the
 * worker's flusher (what it may send) and by the viewer (what it shows and offers).
 *
 * Capture runs everywhere, but sending is per site and opt-in, so that a QA engineer who
 * keeps the extension in their everyday profile does not send their mail, bank or admin
 * pages to Trodo under their QA project's site id. A local collector on loopback is the
 * exception: nothing leaves the machine, so every site's events go to it.
 *
 * @example
 * siteSending({ ...settings, apiHost: 'https://sdkapi.trodo.ai', sendingSites: [] }, 'https://mail.example')
 * // → { kind: 'held', why: 'site-not-enabled' }
 */
export type SiteSending =
  | { kind: 'sent'; why: 'loopback' | 'build' | 'enabled' }
  | { kind: 'held'; why: 'no-site-id' | 'site-not-enabled' }
  | { kind: 'not-captured'; why: 'paused' | 'site-off' | 'outside-build-sites' };

/** Whether events of `origin` may be posted to the ingestion host (a site id aside). */
export function maySend(settings: Settings, origin: string): boolean {
  return sendRule(settings)(origin);
}

/** Whether a waiting event of `origin` is held back (no site id, or its site does not send). */
export function holdsBack(settings: Settings, origin: string): boolean {
  return !settings.siteId || !maySend(settings, origin);
}

/**
 * The rule for one settings object, built once: the flusher asks it for every queued event
 * at each read of the queue (tens of thousands), where parsing the host each time showed.
 * Rebuilt when any field it reads is replaced (settings are replaced, not mutated, on change).
 */
interface Rule {
  from: [string, string[], string[]];
  test: (origin: string) => boolean;
}
const rules = new WeakMap<Settings, Rule>();
function sendRule(settings: Settings): (origin: string) => boolean {
  const { apiHost, sendingSites, buildSites } = settings;
  const cached = rules.get(settings);
  if (cached && cached.from[0] === apiHost && cached.from[1] === sendingSites && cached.from[2] === buildSites) return cached.test;
  const everything = isLoopbackHost(apiHost);
  const enabled = new Set(sendingSites);
  const verdicts = new Map<string, boolean>();
  const test = (origin: string) => {
    if (everything || enabled.has(origin)) return true;
    let verdict = verdicts.get(origin);
    if (verdict === undefined) verdicts.set(origin, (verdict = inBuildSites(buildSites, origin)));
    return verdict;
  };
  rules.set(settings, { from: [apiHost, sendingSites, buildSites], test });
  return test;
}

/** What becomes of the events of a page of `origin`, for the viewer's status line. */
export function siteSending(settings: Settings, origin: string): SiteSending {
  if (!settings.captureEnabled) return { kind: 'not-captured', why: 'paused' };
  if (settings.buildSites.length && !inBuildSites(settings.buildSites, origin)) return { kind: 'not-captured', why: 'outside-build-sites' };
  if (!captureOn(settings, origin)) return { kind: 'not-captured', why: 'site-off' };
  if (!settings.siteId) return { kind: 'held', why: 'no-site-id' };
  // The decision is maySend's, the flusher's own; only the reason is worked out here.
  if (!maySend(settings, origin)) return { kind: 'held', why: 'site-not-enabled' };
  return { kind: 'sent', why: isLoopbackHost(settings.apiHost) ? 'loopback' : inBuildSites(settings.buildSites, origin) ? 'build' : 'enabled' };
}

/**
 * Whether the ingestion host is on this machine, decided from its name: 127.0.0.0/8,
 * `localhost` and `[::1]`. A name that merely resolves to loopback (a hosts-file entry)
 * does not count: the worker cannot see where a name resolves.
 */
export function isLoopbackHost(apiHost: string): boolean {
  let hostname: string;
  try {
    hostname = new URL(apiHost).hostname;
  } catch {
    return false;
  }
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

/**
 * Whether `origin` is covered by one of the build's WXT_TRODO_SITES match patterns
 * (`<all_urls>`, `*://*.acme.test/*`, `https://staging.acme.test/*`). The tracker runs only
 * on those pages, so any origin whose events reach the worker matched by scheme and host;
 * the pattern's path narrows pages, not origins, and is not checked here. As in Chrome, a
 * pattern without a port covers every port.
 */
export function inBuildSites(patterns: readonly string[], origin: string): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  return patterns.some((pattern) => patternCoversOrigin(pattern, url));
}

function patternCoversOrigin(pattern: string, url: URL): boolean {
  if (pattern === '<all_urls>') return url.protocol === 'http:' || url.protocol === 'https:';
  const match = /^(\*|https?):\/\/([^/]+)\//.exec(pattern);
  if (!match) return false;
  const [, scheme, hostPart] = match as unknown as [string, string, string];
  if (scheme === '*' ? url.protocol !== 'http:' && url.protocol !== 'https:' : url.protocol !== `${scheme}:`) return false;
  const portAt = hostPart.lastIndexOf(':');
  const hasPort = portAt > hostPart.lastIndexOf(']');
  const host = (hasPort ? hostPart.slice(0, portAt) : hostPart).toLowerCase();
  if (hasPort && hostPart.slice(portAt + 1) !== '*' && hostPart.slice(portAt + 1) !== (url.port || (url.protocol === 'https:' ? '443' : '80'))) return false;
  if (host === '*') return true;
  if (host.startsWith('*.')) return url.hostname === host.slice(2) || url.hostname.endsWith(host.slice(1));
  return url.hostname === host;
}
