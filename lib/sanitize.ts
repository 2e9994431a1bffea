import type { Json, JsonObject } from './json';

/** Bounds on what one event's properties may hold once sanitised. */
export const LIMITS = {
  maxDepth: 6,
  maxKeys: 100,
  maxArrayLength: 100,
  maxStringLength: 2048,
} as const;

/**
 * Turns any JavaScript value a page passes as properties into a bounded JSON-safe object,
 * never throwing. Everything it changes is described in `notes` so the viewer can show
 * the QA engineer what their code sent versus what Trodo will receive.
 *
 * @example
 * const notes: string[] = [];
 * sanitizeProperties({ at: new Date(0), n: NaN }, notes);
 * // → { at: '1970-01-01T00:00:00.000Z', n: null }; notes explain both conversions
 */
export function sanitizeProperties(
  input: unknown,
  notes: string[],
  isReserved: (key: string) => boolean = () => false,
): JsonObject {
  if (input === undefined || input === null) return {};
  const seen: object[] = [];
  try {
    if (typeof input !== 'object' || Array.isArray(input)) {
      notes.push(`properties must be an object, got ${Array.isArray(input) ? 'array' : typeof input}; ignored`);
      return {};
    }
    return sanitizeObject(input as Record<string, unknown>, '', 0, seen, notes, isReserved);
  } catch (error) {
    notes.push(`properties could not be read (${describeError(error)}); ignored`);
    return {};
  }
}

function sanitizeObject(
  obj: Record<string, unknown>,
  path: string,
  depth: number,
  seen: object[],
  notes: string[],
  isReserved: (key: string) => boolean,
): JsonObject {
  const out: JsonObject = {};
  seen.push(obj);
  let count = 0;
  for (const key of Object.keys(obj)) {
    const at = path ? `${path}.${key}` : key;
    if (depth === 0 && isReserved(key)) {
      notes.push(`"${key}" is a reserved name filled by the tracker; stripped`);
      continue;
    }
    if (count === LIMITS.maxKeys) {
      notes.push(`${path || 'properties'} has more than ${LIMITS.maxKeys} keys; the rest dropped`);
      break;
    }
    let raw: unknown;
    try {
      raw = obj[key];
    } catch (error) {
      notes.push(`${at}: reading it threw (${describeError(error)}); dropped`);
      continue;
    }
    const value = sanitizeValue(raw, at, depth + 1, seen, notes, isReserved);
    if (value !== undefined) {
      // defineProperty, not assignment: a key named "__proto__" stays a plain data key.
      Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
      count++;
    }
  }
  seen.pop();
  return out;
}

function sanitizeValue(
  value: unknown,
  at: string,
  depth: number,
  seen: object[],
  notes: string[],
  isReserved: (key: string) => boolean,
): Json | undefined {
  switch (typeof value) {
    case 'string':
      if (value.length <= LIMITS.maxStringLength) return value;
      notes.push(`${at}: string of ${value.length} characters truncated to ${LIMITS.maxStringLength}`);
      return value.slice(0, LIMITS.maxStringLength);
    case 'boolean':
      return value;
    case 'number':
      if (Number.isFinite(value)) return value;
      notes.push(`${at}: ${value} is not valid JSON; sent as null`);
      return null;
    case 'bigint':
      notes.push(`${at}: BigInt sent as a string`);
      return value.toString();
    case 'undefined':
      return undefined;
    case 'function':
    case 'symbol':
      notes.push(`${at}: ${typeof value} dropped`);
      return undefined;
  }
  if (value === null) return null;
  const obj = value as object;
  if (seen.includes(obj)) {
    notes.push(`${at}: circular reference dropped`);
    return undefined;
  }
  if (obj instanceof Date) {
    const valid = Number.isFinite(obj.getTime());
    notes.push(valid ? `${at}: Date sent as an ISO string` : `${at}: invalid Date sent as null`);
    return valid ? obj.toISOString() : null;
  }
  if (obj instanceof Map || obj instanceof Set || obj instanceof Error) {
    // Their content is not in own enumerable keys: convert, or it would vanish silently.
    const kind = obj instanceof Map ? 'Map' : obj instanceof Set ? 'Set' : 'Error';
    notes.push(`${at}: ${kind} sent as ${kind === 'Set' ? 'an array' : 'an object'}`);
    const plain = obj instanceof Map ? Object.fromEntries([...obj].map(([k, v]) => [String(k), v])) : obj instanceof Set ? [...obj] : { name: obj.name, message: obj.message };
    seen.push(obj);
    const out = sanitizeValue(plain, at, depth, seen, notes, isReserved);
    seen.pop();
    return out;
  }
  if (typeof Node !== 'undefined' && obj instanceof Node) {
    notes.push(`${at}: DOM node sent as its name`);
    return obj.nodeName.toLowerCase();
  }
  if (depth > LIMITS.maxDepth) {
    notes.push(`${at}: nested deeper than ${LIMITS.maxDepth} levels; dropped`);
    return undefined;
  }
  if (Array.isArray(obj)) {
    if (obj.length > LIMITS.maxArrayLength) {
      notes.push(`${at}: array of ${obj.length} items cut to ${LIMITS.maxArrayLength}`);
    }
    seen.push(obj);
    const out: Json[] = [];
    const n = Math.min(obj.length, LIMITS.maxArrayLength);
    for (let i = 0; i < n; i++) {
      // Inside arrays a dropped value becomes null, as JSON.stringify does.
      out.push(sanitizeValue(obj[i], `${at}[${i}]`, depth + 1, seen, notes, isReserved) ?? null);
    }
    seen.pop();
    return out;
  }
  return sanitizeObject(obj as Record<string, unknown>, at, depth, seen, notes, isReserved);
}

function describeError(error: unknown): string {
  try {
    return error instanceof Error ? error.message : String(error);
  } catch {
    return 'unreadable error';
  }
}
