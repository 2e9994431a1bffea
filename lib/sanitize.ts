import type { Json, JsonObject } from './json';

// Plain constants rather than LIMITS.x inside: the minifier inlines them (the page tracker
// has a 12 KB gzip budget).
const maxDepth = 6;
const maxKeys = 100;
const maxArrayLength = 100;
/** Characters of one string value. */
const maxStringLength = 2048;
/**
 * Characters of all the properties as JSON. The limits above alone allow gigabytes
 * (100 keys × 100 items × … six levels deep), and the bridge rejects an event over 64 KB
 * (`CAPS.eventBytes`): properties must fit well under that with the rest of the event.
 */
const maxTotalLength = 32 * 1024;
/** Notes one call may add (the tracker sends fewer, counting the rest): a hostile object must not flood memory with them. */
const maxNotes = 1000;

/** Bounds on what one event's properties may hold once sanitised. */
export const LIMITS = { maxDepth, maxKeys, maxArrayLength, maxStringLength, maxTotalLength, maxNotes } as const;

// Taken at module load (document_start, before any page script): a page that replaces
// JSON.stringify later cannot change how properties are measured.
const { stringify } = JSON;

interface Context {
  notes: string[];
  isReserved: (key: string) => boolean;
  /** JSON characters left of maxTotalLength; -1 once they have run out. */
  room: number;
}

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
  const ctx: Context = { notes, isReserved, room: maxTotalLength };
  try {
    const out = typeof input === 'object' && !Array.isArray(input) ? sanitizeObject(input, '', 0, [], ctx) : input;
    if (out && typeof out === 'object' && !Array.isArray(out)) return out as JsonObject;
    // Not an object, or one that converts to something else (a Date, a Set).
    notes[notes.length] = `properties must be an object, got ${Array.isArray(out) ? 'array' : typeof out}; ignored`;
  } catch (error) {
    note(ctx, '', `properties could not be read (${describeError(error)}); ignored`);
  }
  return {};
}

/**
 * `at` names the value in notes; `seen` holds the objects it is inside, to spot cycles.
 * Every value taken is charged to the total budget with one character for its comma.
 */
function sanitizeValue(value: unknown, at: string, depth: number, seen: object[], ctx: Context): Json | undefined {
  let out: Json;
  switch (typeof value) {
    case 'object':
      if (value) return sanitizeObject(value, at, depth, seen, ctx);
      out = null;
      break;
    case 'string':
      out = value;
      if (value.length > maxStringLength) {
        note(ctx, at, `string of ${value.length} characters truncated to ${maxStringLength}`);
        out = value.slice(0, maxStringLength);
      }
      break;
    case 'number':
      // `+ 0` makes -0 the 0 that JSON.stringify writes for it.
      out = Number.isFinite(value) ? value + 0 : note(ctx, at, `${value} is not valid JSON; sent as null`) ?? null;
      break;
    case 'boolean':
      out = value;
      break;
    case 'bigint':
      note(ctx, at, 'BigInt sent as a string');
      out = String(value);
      break;
    case 'function':
    case 'symbol':
      return note(ctx, at, `${typeof value} dropped`);
    default:
      return undefined;
  }
  return fits(ctx, at, (typeof out === 'string' ? jsonLength(out) : String(out).length) + 1) ? out : undefined;
}

/** Any object: converted (with a note) unless it is a plain object or array, then walked. */
function sanitizeObject(obj: object, at: string, depth: number, seen: object[], ctx: Context): Json | undefined {
  if (seen.includes(obj)) return note(ctx, at, 'circular reference dropped');
  const converted = convert(obj);
  if (converted) note(ctx, at, converted[0]);
  else if (depth > maxDepth) return note(ctx, at, `nested deeper than ${maxDepth} levels; dropped`);
  // Its brackets and a comma.
  else if (!fits(ctx, at, 3)) return undefined;
  // A typed array (DataView is converted) is walked like an array. isView is a brand
  // check: no Proxy trap runs in it.
  else if (ArrayBuffer.isView(obj)) note(ctx, at, 'typed array sent as an array');
  seen[seen.length] = obj;
  const out = converted ? sanitizeValue(converted[1], at, depth, seen, ctx)
    : Array.isArray(obj) || ArrayBuffer.isView(obj) ? sanitizeArray(obj as ArrayLike<unknown>, at, depth, seen, ctx)
    : sanitizeKeys(obj as Record<string, unknown>, at, depth, seen, ctx);
  seen.length--;
  return out;
}

/**
 * What an object whose content is not in its own keys is sent as, and the note saying so
 * (else it would vanish silently as `{}`). `instanceof` can throw (a Proxy's getPrototypeOf
 * trap): the caller then drops just this value.
 */
function convert(obj: object): [note: string, value: unknown] | undefined {
  // The common case first: a plain object is none of the below (one prototype read, where
  // the instanceof chain is six).
  const proto: unknown = Object.getPrototypeOf(obj);
  if (proto === Object.prototype || proto === null || proto === Array.prototype) return undefined;
  if (obj instanceof Date) {
    const valid = Number.isFinite(obj.getTime());
    return valid ? ['Date sent as an ISO string', obj.toISOString()] : ['invalid Date sent as null', null];
  }
  if (obj instanceof DataView || obj instanceof ArrayBuffer) return ['binary data sent as its size', `${(obj as ArrayBuffer).byteLength} bytes`];
  if (typeof Node !== 'undefined' && obj instanceof Node) return ['DOM node sent as its name', obj.nodeName.toLowerCase()];
  if (obj instanceof Map) return ['Map sent as an object', Object.fromEntries(obj)];
  if (obj instanceof Set) return ['Set sent as an array', [...obj]];
  if (obj instanceof Error) return ['Error sent as an object', { name: obj.name, message: obj.message }];
  return undefined;
}

function sanitizeKeys(obj: Record<string, unknown>, at: string, depth: number, seen: object[], ctx: Context): JsonObject {
  const out: JsonObject = {};
  let count = 0;
  let looked = 0;
  for (const key of Object.keys(obj)) {
    // Stop at the key limit, or after looking at ten times as many keys: dropped ones
    // (functions, undefined) take no room, but a hundred thousand of them take time.
    if (count === maxKeys || looked++ === 10 * maxKeys) {
      note(ctx, '', `${at || 'properties'} has more than ${maxKeys} keys; the rest dropped`);
      break;
    }
    if (depth === 0 && ctx.isReserved(key)) {
      note(ctx, '', `"${key}" is a reserved name filled by the tracker; stripped`);
    } else {
      const path = at ? `${at}.${key}` : key;
      // The key and its colon are taken before the value (which may use up the rest) and
      // given back if the value is dropped, unless the budget has run out by then.
      const cost = jsonLength(key) + 1;
      const value = fits(ctx, path, cost) ? read(obj, key, path, depth, seen, ctx) : undefined;
      if (value !== undefined) {
        // Assignment, several times cheaper, unless the key is on Object.prototype: there
        // "__proto__" would set the prototype, a frozen member would throw, and a page's
        // setter would run. defineProperty keeps each a plain data key.
        if (key in out) Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
        else out[key] = value;
        count++;
      } else if (ctx.room >= 0) ctx.room += cost;
    }
    if (ctx.room < 0) break;
  }
  return out;
}

function sanitizeArray(list: ArrayLike<unknown>, at: string, depth: number, seen: object[], ctx: Context): Json[] {
  const { length } = list;
  if (length > maxArrayLength) note(ctx, at, `array of ${length} items cut to ${maxArrayLength}`);
  const out: Json[] = [];
  for (let i = 0; i < length && i < maxArrayLength; i++) {
    const path = `${at}[${i}]`;
    let value = read(list, i, path, depth, seen, ctx);
    // Inside arrays a dropped value becomes null, as JSON.stringify does, unless the budget ran out.
    if (value === undefined) value = sanitizeValue(null, path, depth, seen, ctx);
    if (value === undefined) break;
    out[out.length] = value;
  }
  return out;
}

/** One member, sanitised: a getter or Proxy trap that throws anywhere inside drops only it. */
function read(obj: object, key: string | number, at: string, depth: number, seen: object[], ctx: Context): Json | undefined {
  const { length } = seen;
  try {
    return sanitizeValue((obj as Record<string | number, unknown>)[key], at, depth + 1, seen, ctx);
  } catch (error) {
    seen.length = length;
    return note(ctx, at, `reading it threw (${describeError(error)}); dropped`);
  }
}

/** Takes `cost` JSON characters from the budget if they fit; notes the first time they do not. */
function fits(ctx: Context, at: string, cost: number): boolean {
  if (cost <= ctx.room) {
    ctx.room -= cost;
    return true;
  }
  if (ctx.room >= 0) note(ctx, at, `properties over ${maxTotalLength} characters; dropped from here on`);
  ctx.room = -1;
  return false;
}

/** The length of `text` as JSON, escapes and all. Each string on its own: the whole output is never stringified. */
function jsonLength(text: string): number {
  return stringify(text).length;
}

/** Notes a change to the value at `at` (none: `what` says where); undefined, for callers that drop it. */
function note(ctx: Context, at: string, what: string): undefined {
  // Cut: a note names keys, and the page's keys can be long.
  if (ctx.notes.length < maxNotes) ctx.notes[ctx.notes.length] = (at ? `${at}: ${what}` : what).slice(0, 300);
  return undefined;
}

function describeError(error: unknown): string {
  try {
    return String(error instanceof Error ? error.message : error);
  } catch {
    return 'unreadable error';
  }
}
