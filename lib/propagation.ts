import { isUuid } from './ids';

/**
 * How a page hands its Trodo identity to its own backend, so that the backend's events join
 * the browser's session: `Trodo.getPropagationHeaders()` in the page, `trodo.forRequest(req)`
 * in Node. Values are URI-encoded by the page (a distinct id such as `id_zoë@example.com` is
 * not a valid header value as is, and `fetch` would throw on it) and decoded by the server.
 *
 * @example
 * fetch('/api/checkout', { method: 'POST', headers: Trodo.getPropagationHeaders() });
 * // → X-Trodo-Session-Id: 5f0c…, X-Trodo-Distinct-Id: id_bob%40example.com
 */
export const SESSION_HEADER = 'X-Trodo-Session-Id';
export const DISTINCT_HEADER = 'X-Trodo-Distinct-Id';

/** Longest decoded distinct id taken (the extension's own cap on ids). */
export const MAX_PROPAGATED_ID = 255;
/** Longest raw header value read at all: an encoded id of 255 characters fits (3 bytes per escaped byte, a few escapes). */
export const MAX_HEADER_VALUE = 1024;

export type Propagated = { ok: true; sessionId: string; distinctId: string } | { ok: false; error: string };

/** Headers as Node, Express and Fetch hand them over. */
export type HeaderSource =
  | { headers: Record<string, string | string[] | undefined> | { get(name: string): string | null } }
  | { get(name: string): string | null };

/**
 * The session and distinct id a request carries, checked as the untrusted input they are:
 * each header present once, at most MAX_HEADER_VALUE characters, valid URI encoding, the
 * session id a UUID (as the tracker makes them), the distinct id 1–255 characters without
 * control characters. The error names the header and what is wrong with it.
 */
export function readPropagation(source: HeaderSource): Propagated {
  const read = headerReader(source);
  if (!read) return { ok: false, error: 'forRequest needs a request with headers (Node IncomingMessage, Express req, Fetch Request or Headers)' };
  const session = value(read, SESSION_HEADER);
  if (!session.ok) return session;
  const distinct = value(read, DISTINCT_HEADER);
  if (!distinct.ok) return distinct;
  if (!isUuid(session.value)) return { ok: false, error: `${SESSION_HEADER} is not a session id (a UUID): refused` };
  const id = distinct.value;
  if (id.trim() === '' || id.length > MAX_PROPAGATED_ID) return { ok: false, error: `${DISTINCT_HEADER} must be 1–${MAX_PROPAGATED_ID} characters once decoded: refused` };
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(id)) return { ok: false, error: `${DISTINCT_HEADER} holds control characters: refused` };
  return { ok: true, sessionId: session.value, distinctId: id };
}

type Reader = (name: string) => string | string[] | null | undefined;

function headerReader(source: HeaderSource): Reader | null {
  if (typeof source !== 'object' || source === null) return null;
  const holder = 'headers' in source ? source.headers : source;
  if (typeof holder !== 'object' || holder === null) return null;
  if (typeof (holder as { get?: unknown }).get === 'function') {
    const headers = holder as { get(name: string): string | null };
    return (name) => headers.get(name);
  }
  // Node lower-cases header names; a plain object from elsewhere may not.
  const record = holder as Record<string, string | string[] | undefined>;
  return (name) => record[name.toLowerCase()] ?? record[name];
}

function value(read: Reader, name: string): { ok: true; value: string } | { ok: false; error: string } {
  const raw = read(name);
  if (raw === null || raw === undefined || raw === '') return { ok: false, error: `the request has no ${name} header: send Trodo.getPropagationHeaders() with it` };
  // Node joins repeated X- headers with ", " and Fetch does too; a list or a comma is a second copy.
  if (Array.isArray(raw) || raw.includes(',')) return { ok: false, error: `${name} was sent more than once: refused` };
  if (raw.length > MAX_HEADER_VALUE) return { ok: false, error: `${name} is ${raw.length} characters, over ${MAX_HEADER_VALUE}: refused` };
  try {
    return { ok: true, value: decodeURIComponent(raw) };
  } catch {
    return { ok: false, error: `${name} is not URI-encoded text: refused` };
  }
}

/** The headers for the page's state, URI-encoded (see above). */
export function propagationHeaders(sessionId: string, distinctId: string): Record<string, string> {
  return { [SESSION_HEADER]: encodeURIComponent(sessionId), [DISTINCT_HEADER]: encodeURIComponent(distinctId) };
}
