import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { isIPv6 } from 'node:net';

/**
 * The one gate every request passes before any route sees it. The collector holds QA data
 * (custom properties, emails a site under test sent) and can be told to fail, and every web
 * page open in the QA engineer's browser can send it requests. So:
 * - a Host that is not a name of this collector is refused on every path (DNS rebinding);
 * - reading and control paths (`/__collector/*`) send no CORS headers, refuse any web
 *   origin, and need the token when one is set;
 * - ingestion paths (`/api/*`) take cross-origin posts, as a browser SDK needs; their
 *   answers speak only of the request itself.
 */
export const CONTROL_PREFIX = '/__collector';
export const INGEST_PREFIX = '/api/';
/** The header that carries the token, besides `Authorization: Bearer <token>`. */
export const TOKEN_HEADER = 'X-Collector-Token';

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];
const WILDCARD_BINDS = ['0.0.0.0', '::', ''];
// Extensions may read the collector: the Trodo extension's worker does, and any other
// extension with host permissions could read loopback anyway.
export const EXTENSION_ORIGIN = /^(chrome|moz|safari-web)-extension:\/\/[a-z0-9-]+$/i;

export interface GuardPolicy {
  port: number;
  /** Names (lower case, IPv6 in brackets, no port) a request's Host may carry. */
  hostnames: ReadonlySet<string>;
  /** Required on /__collector/* when set. */
  token: string | null;
  /** Request headers a browser client of /api/* may send. */
  ingestHeaders: readonly string[];
}

export type Verdict =
  | { kind: 'control'; headers: Record<string, string> }
  | { kind: 'ingest'; headers: Record<string, string> }
  | { kind: 'preflight'; headers: Record<string, string> }
  | { kind: 'refuse'; status: number; reason: string; headers: Record<string, string> };

export interface GuardedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
}

// No CORS; and even a no-cors load (an <img>, a <script>) may not embed the answer.
const CONTROL_HEADERS = { 'Cross-Origin-Resource-Policy': 'same-origin', 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store' };

export function guard(request: GuardedRequest, policy: GuardPolicy): Verdict {
  const host = request.headers.host;
  if (!hostMatches(host, policy)) return refuse(421, `Host ${JSON.stringify(host ?? '')} is not this collector; use 127.0.0.1:${policy.port}`);

  if (request.path === CONTROL_PREFIX || request.path.startsWith(`${CONTROL_PREFIX}/`)) {
    const origin = request.headers.origin;
    if (origin !== undefined && !EXTENSION_ORIGIN.test(origin)) return refuse(403, `web origin ${origin} may not read or control the collector`);
    // A page's navigation or no-cors load may carry no Origin; its Sec-Fetch-Site still says it came from a page.
    const site = request.headers['sec-fetch-site'];
    if (origin === undefined && site !== undefined && site !== 'none') return refuse(403, `a ${site} page may not read or control the collector`);
    if (policy.token !== null && !tokenMatches(request.headers, policy.token)) {
      return refuse(401, `token required: Authorization: Bearer <token> or ${TOKEN_HEADER}`, { 'WWW-Authenticate': 'Bearer' });
    }
    return { kind: 'control', headers: CONTROL_HEADERS };
  }

  if (!request.path.startsWith(INGEST_PREFIX)) return { kind: 'ingest', headers: {} };
  const cors = {
    'Access-Control-Allow-Origin': '*',
    'Access-Control-Allow-Methods': 'POST, OPTIONS',
    'Access-Control-Allow-Headers': policy.ingestHeaders.join(', '),
    'Access-Control-Max-Age': '600',
  };
  return request.method === 'OPTIONS' ? { kind: 'preflight', headers: cors } : { kind: 'ingest', headers: { 'Access-Control-Allow-Origin': '*' } };
}

function refuse(status: number, reason: string, headers: Record<string, string> = {}): Verdict {
  return { kind: 'refuse', status, reason, headers };
}

/** `name[:port]`, the port defaulting to 80 as browsers leave it out then. */
function hostMatches(value: string | undefined, policy: GuardPolicy): boolean {
  const match = value === undefined ? null : /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/i.exec(value);
  if (!match) return false;
  const port = match[2] === undefined ? 80 : Number(match[2]);
  return port === policy.port && policy.hostnames.has(match[1]!.toLowerCase());
}

function tokenMatches(headers: IncomingHttpHeaders, token: string): boolean {
  const bearer = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? '')?.[1];
  const given = bearer ?? headers[TOKEN_HEADER.toLowerCase()];
  if (typeof given !== 'string') return false;
  // Digests have one length, so the comparison takes the same time whatever was sent.
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(token));
}

/** Whether binding to this address keeps the collector on this machine. */
export function isLoopbackBind(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * The names a request's Host may carry: the loopback names, the bound address (or, bound to
 * every interface, each interface's address), and any the user allowed (a DNS name in CI).
 */
export function allowedHostnames(bind: string, extra: readonly string[], interfaceAddresses: () => string[]): Set<string> {
  const bracket = (name: string) => (isIPv6(name) ? `[${name}]` : name).toLowerCase();
  const names = new Set(LOOPBACK_NAMES);
  const bound = WILDCARD_BINDS.includes(bind) ? interfaceAddresses() : [bind];
  for (const name of [...bound, ...extra]) names.add(bracket(name));
  return names;
}

/** The address clients on this machine use for a bind address. */
export function urlHost(bind: string): string {
  if (WILDCARD_BINDS.includes(bind)) return '127.0.0.1';
  return isIPv6(bind) ? `[${bind}]` : bind;
}
