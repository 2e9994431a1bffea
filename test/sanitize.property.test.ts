/**
 * Property-based tests (fast-check) of what takes untrusted page input: the property
 * sanitiser and the validators of page messages and events. Whatever a hostile page
 * passes, they never throw, and what they let through is bounded, JSON-safe and leaves
 * Object.prototype alone.
 */
import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TrodoEvent } from '../lib/event';
import { categoryProblem, eventNameProblem, isEventTime, isReservedPropertyName, MAX_EVENT_NAME_LENGTH, MAX_TIME } from '../lib/event';
import { CAPS, parsePageMessage, trodoEventProblem } from '../lib/protocol';
import { LIMITS, sanitizeProperties } from '../lib/sanitize';
import { makeEvent } from './helpers';

const RUNS = { numRuns: 300 };

// ── hostile values ────────────────────────────────────────────────────────────

const boom = (what: string) => () => {
  throw new Error(`${what} trap`);
};

/** Throws something whose own toString throws, so even describing the error fails. */
const worse = () => {
  throw { toString: boom('toString') };
};

const TRAPS = ['ownKeys', 'get', 'getPrototypeOf', 'has', 'getOwnPropertyDescriptor'] as const;

function nest(levels: number, leaf: unknown, array: boolean): unknown {
  let value = leaf;
  for (let i = 0; i < levels; i++) value = array ? [value] : { k: value };
  return value;
}

// Big values are built once (they are only read) so a run stays quick.
const WIDE = Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`k${i}`, i]));
const WIDE_DROPPED = Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`f${i}`, () => i]));
const DEEP_OBJECTS = nest(10_000, 'bottom', false);
const DEEP_ARRAYS = nest(10_000, 'bottom', true);
const LONG_ARRAY = Array.from({ length: 100_000 }, (_, i) => i);
/** Within every per-value limit, but megabytes in all: only the total cap bounds it. */
const HEAVY = Object.fromEntries(
  Array.from({ length: LIMITS.maxKeys }, (_, i) => [`k${i}`, Array(LIMITS.maxArrayLength).fill('y'.repeat(LIMITS.maxStringLength))]),
);
/** Every character an escape: six times its length as JSON. */
const ESCAPES = Object.fromEntries(
  ['\u0000', '"', '\\', '\n', '\ud800', '\udfff'].map((c, i) => [`e${i}`, Array(20).fill(c.repeat(LIMITS.maxStringLength))]),
);

/** Hostile values that take a while to build or to walk: generated less often. */
const BIG: (() => unknown)[] = [
  () => 'z'.repeat(1_000_000),
  () => DEEP_OBJECTS,
  () => DEEP_ARRAYS,
  () => WIDE,
  () => WIDE_DROPPED,
  () => LONG_ARRAY,
  () => HEAVY,
  () => ESCAPES,
  () => new Uint8Array(1_000_000),
];

/** Each makes a fresh hostile value, some wrapping a generated one. */
const HOSTILE: ((inner: unknown) => unknown)[] = [
  (inner) => {
    const self: Record<string, unknown> = { inner };
    self.self = self;
    return self;
  },
  (inner) => {
    const list: unknown[] = [inner];
    list.push(list);
    return list;
  },
  (inner) => {
    const a: Record<string, unknown> = { inner };
    a.b = { c: [a] };
    return a;
  },
  (inner) => {
    const map = new Map<unknown, unknown>([['inner', inner]]);
    map.set('self', map);
    return map;
  },
  (inner) => {
    const set = new Set<unknown>([inner]);
    set.add(set);
    return set;
  },
  (inner) => Object.defineProperty({ before: inner, after: 1 }, 'bad', { enumerable: true, get: boom('getter') }),
  (inner) => Object.defineProperty({ inner }, 'worse', { enumerable: true, get: worse }),
  ...TRAPS.map((trap) => (inner: unknown) => new Proxy({ inner, other: 1 }, { [trap]: boom(trap) })),
  ...TRAPS.map((trap) => (inner: unknown) => new Proxy([inner, 2], { [trap]: boom(trap) })),
  (inner) => {
    const { proxy, revoke } = Proxy.revocable({ inner }, {});
    revoke();
    return proxy;
  },
  // A Proxy that claims a billion items, and one that answers every key with itself.
  () => new Proxy([], { get: (target, key) => (key === 'length' ? 1e9 : Reflect.get(target, key)) }),
  () => {
    const p: object = new Proxy({}, {
      ownKeys: () => ['a', 'b'],
      getOwnPropertyDescriptor: () => ({ enumerable: true, configurable: true }),
      get: () => p,
    });
    return p;
  },
  // A getter that makes a new object each time: endless depth, lazily.
  () => {
    const make = (): object => ({ get next() { return make(); } });
    return make();
  },
  // A getter that calls the sanitiser again, as a track() inside a getter would.
  (inner) => ({ get again() { return sanitizeProperties({ inner, n: NaN }, []); }, n: NaN }),
  () => Symbol('s'),
  () => () => 1,
  () => class Foo {},
  () => async () => 1,
  (inner) => new Error(String(typeof inner)),
  () => new TypeError('x'.repeat(10_000)),
  () => Object.defineProperty(new Error('hidden'), 'message', { get: boom('message') }),
  () => new Error('with cause', { cause: new Error('inner') }),
  () => NaN,
  () => Infinity,
  () => -Infinity,
  () => -0,
  () => Number.MAX_VALUE,
  () => Number.MIN_VALUE,
  () => 2n ** 200n,
  () => 'x'.repeat(LIMITS.maxStringLength + 1),
  () => '\ud800'.repeat(5000),
  () => '😀'.repeat(3000),
  () => new Array(2 ** 32 - 1),
  () => new Uint8Array(1000).fill(7),
  () => new Float64Array([NaN, -0, Infinity, 1.5]),
  () => new BigInt64Array([1n, -2n]),
  () => new DataView(new ArrayBuffer(16)),
  () => new ArrayBuffer(1024),
  () => new SharedArrayBuffer(8),
  () => new Date(0),
  () => new Date(NaN),
  () => new Date(MAX_TIME),
  () => ({ [Symbol.toPrimitive]: boom('toPrimitive'), toJSON: boom('toJSON'), toString: boom('toString'), valueOf: boom('valueOf') }),
  // A Map key that cannot become a string.
  () => new Map([[{ toString: boom('toString') }, 1]]),
  () => new Map<unknown, number>([[Symbol('key'), 1], [{}, 2], [3, 4]]),
  () => JSON.parse('{"__proto__": {"polluted": "yes"}, "a": {"__proto__": {"polluted": "deep"}}}'),
  () => ({ constructor: { prototype: { polluted: 'yes' } }, prototype: { polluted: 'yes' } }),
  (inner) => Object.defineProperty(Object.create(null), '__proto__', { value: { polluted: inner }, enumerable: true }),
  () => Object.create(Object.create(null, { inherited: { value: 1, enumerable: true } })),
  () => new WeakMap(),
  () => Promise.resolve(1),
  () => /regex/g,
  () => new String('boxed'),
  () => Object.assign(Object.create(Date.prototype), { fake: 'date' }),
  ...BIG,
];


/** Any UTF-16 code units, lone surrogates included. */
const anyString = fc.oneof(fc.string({ unit: 'binary' }), fc.array(fc.nat(0xffff), { maxLength: 20 }).map((codes) => String.fromCharCode(...codes)));

const key = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 10 }) },
  { weight: 2, arbitrary: fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', 'length', '0', 'url', 'Title', 'PAGE_TITLE', 'href', 'polluted') },
);

const anything = fc.anything({
  key,
  maxDepth: 4,
  maxKeys: 6,
  withNullPrototype: true,
  withBigInt: true,
  withTypedArray: true,
  withMap: true,
  withSet: true,
  withDate: true,
  withSparseArray: true,
  withBoxedValues: true,
  withObjectString: true,
  stringUnit: 'binary',
});

/**
 * What fast-check generates is a recipe, built into the value inside the property:
 * fast-check itself trips over a Proxy whose traps throw, and a recipe prints readably.
 */
type Recipe = { any: unknown } | { hostile: number; inner: unknown } | { entries: [string, Recipe][] } | { items: Recipe[] };

function build(recipe: Recipe): unknown {
  if ('any' in recipe) return recipe.any;
  if ('hostile' in recipe) return HOSTILE[recipe.hostile]!(recipe.inner);
  if ('items' in recipe) return recipe.items.map(build);
  const out = {};
  for (const [name, value] of recipe.entries) Object.defineProperty(out, name, { value: build(value), enumerable: true, writable: true, configurable: true });
  return out;
}

const hostile: fc.Arbitrary<Recipe> = fc.record({
  hostile: fc.oneof({ weight: 9, arbitrary: fc.nat(HOSTILE.length - BIG.length - 1) }, fc.integer({ min: HOSTILE.length - BIG.length, max: HOSTILE.length - 1 })),
  inner: fc.jsonValue({ maxDepth: 2 }),
});
/** A plain value as a recipe. */
const just = (value: unknown): Recipe => ({ any: value });
const any = anything.map(just);

/** Hostile values alone, and hidden at any depth inside ordinary properties. */
const { recipe } = fc.letrec<{ recipe: Recipe }>((tie) => ({
  recipe: fc.oneof(
    { depthSize: 'small' },
    any,
    hostile,
    fc.array(fc.tuple(key, tie('recipe')), { maxLength: 5 }).map((entries) => ({ entries })),
    fc.array(tie('recipe'), { maxLength: 5 }).map((items) => ({ items })),
  ),
}));

const properties: fc.Arbitrary<Recipe> = fc.oneof(recipe, fc.array(fc.tuple(key, recipe), { maxLength: 8 }).map((entries) => ({ entries })));

// ── checks ────────────────────────────────────────────────────────────────────

function fail(message: string): never {
  throw new Error(message);
}

/** Only JSON values, within every per-value limit; every object plain, every key an own data property. */
function checkJson(value: unknown, depth: number, at = 'properties'): void {
  if (value === null || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || Object.is(value, -0)) fail(`${at}: ${value} is not a JSON number`);
    return;
  }
  if (typeof value === 'string') {
    if (value.length > LIMITS.maxStringLength) fail(`${at}: string of ${value.length}`);
    return;
  }
  if (typeof value !== 'object') fail(`${at}: ${typeof value}`);
  if (depth > LIMITS.maxDepth) fail(`${at}: nested ${depth} deep`);
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) fail(`${at}: array of another kind`);
    if (value.length > LIMITS.maxArrayLength) fail(`${at}: ${value.length} items`);
    for (let i = 0; i < value.length; i++) {
      if (!Object.hasOwn(value, i)) fail(`${at}: hole at ${i}`);
      checkJson(value[i], depth + 1, `${at}[${i}]`);
    }
    return;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) fail(`${at}: not a plain object`);
  const names = Reflect.ownKeys(value);
  if (names.length > LIMITS.maxKeys) fail(`${at}: ${names.length} keys`);
  for (const name of names) {
    if (typeof name !== 'string') fail(`${at}: symbol key`);
    const descriptor = Object.getOwnPropertyDescriptor(value, name)!;
    if (!('value' in descriptor) || !descriptor.enumerable) fail(`${at}.${name}: not an enumerable data property`);
    checkJson(descriptor.value, depth + 1, `${at}.${name}`);
  }
}

function sanitizeChecked(input: unknown, reserved?: (key: string) => boolean) {
  const notes: string[] = [];
  const output = sanitizeProperties(input, notes, reserved);
  checkJson(output, 0);
  expect(Array.isArray(output)).toBe(false);
  const text = JSON.stringify(output);
  expect(text.length).toBeLessThanOrEqual(LIMITS.maxTotalLength);
  // Not toStrictEqual: it reads `.constructor`, which a key named "constructor" shadows.
  expect(isDeepStrictEqual(JSON.parse(text), output)).toBe(true);
  expect(Array.isArray(notes)).toBe(true);
  expect(notes.length).toBeLessThanOrEqual(LIMITS.maxNotes);
  const odd = notes.find((note) => typeof note !== 'string' || note.length > 300);
  expect(odd).toBeUndefined();
  return { output, notes, text };
}

const PROTOTYPES = [Object.prototype, Array.prototype, Function.prototype, Map.prototype, Error.prototype];
const shapes = () => PROTOTYPES.map((proto) => Reflect.ownKeys(proto));

// ── sanitizeProperties ────────────────────────────────────────────────────────

describe('sanitizeProperties (properties)', () => {
  let before: ReturnType<typeof shapes>;
  beforeEach(() => {
    before = shapes();
  });
  afterEach(() => {
    expect(shapes()).toEqual(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('takes any value to a bounded JSON-safe plain object, never throwing or polluting prototypes', () => {
    fc.assert(
      fc.property(properties, fc.boolean(), (input, strip) => {
        sanitizeChecked(build(input), strip ? isReservedPropertyName : undefined);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        expect(Object.prototype).not.toHaveProperty('polluted');
      }),
      RUNS,
    );
  });

  it('handles each hostile value alone, as a property and inside an array', () => {
    for (const make of HOSTILE) {
      for (const input of [make({ a: 1 }), { value: make('x'), ok: 1 }, { list: [make(null), 'kept'] }]) {
        sanitizeChecked(input, isReservedPropertyName);
      }
    }
  });

  it('drops only the value whose read throws, and keeps its siblings', () => {
    fc.assert(
      fc.property(fc.nat(HOSTILE.length - 1), fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.integer(), { maxKeys: 5, noNullPrototype: true }), (i, plain) => {
        const { output } = sanitizeChecked({ ...plain, hostileValue: { nested: HOSTILE[i]!(1) } });
        for (const [name, value] of Object.entries(plain)) {
          if (name !== 'hostileValue') expect(Object.getOwnPropertyDescriptor(output, name)?.value).toBe(value);
        }
      }),
      RUNS,
    );
  });

  it('stays within the total size, however the limits combine', () => {
    for (const input of [HEAVY, ESCAPES, { a: HEAVY, b: ESCAPES }, { wide: WIDE, heavy: HEAVY }]) {
      const { notes, text } = sanitizeChecked(input);
      expect(text.length).toBeGreaterThan(LIMITS.maxTotalLength / 2);
      expect(notes.some((n) => n.includes(`over ${LIMITS.maxTotalLength} characters`))).toBe(true);
    }
  });

  // The inputs JSON can carry plus the numbers it cannot: the output equals the input
  // unless a note says what changed.
  const { json } = fc.letrec((tie) => ({
    json: fc.oneof(
      { depthSize: 'small' },
      fc.constant(null),
      fc.boolean(),
      fc.double().map((n) => (Object.is(n, -0) ? 0 : n)),
      fc.constantFrom(NaN, Infinity, -Infinity),
      anyString,
      fc.integer({ min: LIMITS.maxStringLength - 2, max: LIMITS.maxStringLength + 2 }).map((n) => 'q'.repeat(n)),
      fc.array(tie('json'), { maxLength: 4 }),
      fc.dictionary(key, tie('json'), { maxKeys: 4 }),
      fc.tuple(fc.integer({ min: 4, max: 9 }), fc.boolean(), tie('json')).map(([levels, array, leaf]) => nest(levels, leaf, array)),
      fc.integer({ min: LIMITS.maxArrayLength - 1, max: LIMITS.maxArrayLength + 1 }).map((n) => Array.from({ length: n }, (_, i) => i)),
      fc.integer({ min: LIMITS.maxKeys - 1, max: LIMITS.maxKeys + 1 }).map((n) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i]))),
    ),
  }));

  it('notes every change: with no notes the output equals the input', () => {
    fc.assert(
      fc.property(fc.dictionary(key, json, { maxKeys: 6 }), fc.boolean(), (input, strip) => {
        const { output, notes } = sanitizeChecked(input, strip ? isReservedPropertyName : undefined);
        if (notes.length === 0) expect(output).toEqual(input);
        if (strip && Object.keys(input).some(isReservedPropertyName)) expect(notes.some((n) => n.includes('reserved name'))).toBe(true);
      }),
      RUNS,
    );
  });

  it('is idempotent: its output passes through again unchanged and without notes', () => {
    fc.assert(
      fc.property(properties, (input) => {
        const once = sanitizeChecked(build(input), isReservedPropertyName).output;
        const twice = sanitizeChecked(once, isReservedPropertyName);
        expect(isDeepStrictEqual(twice.output, once)).toBe(true);
        expect(twice.notes).toEqual([]);
      }),
      RUNS,
    );
  });
});

// ── page messages and events ──────────────────────────────────────────────────

const validEvent = fc.record({ name: fc.string({ minLength: 1, maxLength: 20 }).filter((s) => s.trim() !== ''), properties: fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 3 })) }).map((o) => makeEvent(o as Partial<TrodoEvent>));

/** Valid events with one field replaced by anything JSON can carry, or removed. */
const eventLike = fc.oneof(
  validEvent,
  fc.tuple(validEvent, fc.constantFrom(...Object.keys(makeEvent()), 'page.url', 'page.dpi', 'notes', 'userId', 'call'), fc.option(fc.jsonValue({ maxDepth: 3 }), { nil: undefined })).map(([event, field, value]) => {
    const copy = JSON.parse(JSON.stringify(event)) as Record<string, unknown>;
    const [head, tail] = field.split('.') as [string, string?];
    const target = tail ? (copy[head] as Record<string, unknown>) : copy;
    if (value === undefined) delete target[tail ?? head];
    else target[tail ?? head] = value;
    return copy;
  }),
  fc.jsonValue({ maxDepth: 3 }),
);

const messageText = fc.oneof(
  fc.array(eventLike, { maxLength: 4 }).map((events) => JSON.stringify({ type: 'events', events })),
  fc.jsonValue().map((value) => JSON.stringify(value)),
  fc.constantFrom('{"type":"hello"}', '{"type":"events"}', '{"type":"events","events":{}}', 'not json', '', '{"type":"events","events":[null,1,"x",[]]}'),
  anyString,
);

function checkParsed(result: ReturnType<typeof parsePageMessage>, text?: string) {
  if (!result.ok) {
    expect(typeof result.error).toBe('string');
    return;
  }
  if (result.value.type !== 'events') return;
  for (const event of result.value.events) expect(trodoEventProblem(event)).toBeNull();
  for (const { id, error } of result.value.rejected) {
    expect(typeof error).toBe('string');
    expect(id === null || typeof id === 'string').toBe(true);
  }
  if (text !== undefined) {
    const sent = (JSON.parse(text) as { events: unknown[] }).events;
    expect(result.value.events.length + result.value.rejected.length).toBe(sent.length);
  }
}

describe('parsePageMessage and trodoEventProblem (properties)', () => {
  it('never throw on any value, and reject what is not a string', () => {
    fc.assert(
      fc.property(fc.oneof(any, hostile), (input) => {
        const value = build(input);
        const result = parsePageMessage(value);
        if (typeof value !== 'string') expect(result).toEqual({ ok: false, error: expect.any(String) });
        checkParsed(result);
        const problem = trodoEventProblem(value);
        expect(problem === null || typeof problem === 'string').toBe(true);
      }),
      RUNS,
    );
  });

  it('accept only events that pass the shape check, and account for every event sent', () => {
    fc.assert(
      fc.property(messageText, (text) => {
        const result = parsePageMessage(text);
        checkParsed(result, result.ok && result.value.type === 'events' ? text : undefined);
      }),
      RUNS,
    );
  });

  it('reject, without throwing, events whose properties JSON cannot hold or that nest beyond the stack', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    const unreadable = [
      { properties: cyclic },
      { properties: { big: 1n } },
      { properties: { toJSON: boom('toJSON') } },
      { properties: revoked.proxy },
      { properties: new Proxy({}, { get: boom('get') }) },
      { page: new Proxy({}, { getPrototypeOf: boom('getPrototypeOf'), get: boom('get') }) },
    ];
    for (const overrides of unreadable) {
      expect(typeof trodoEventProblem(makeEvent(overrides as never))).toBe('string');
    }
    for (const make of HOSTILE) {
      const event = makeEvent();
      const values = [make(1), { ...event, page: make(1) }, { ...event, notes: make(1) }];
      // The big ones as properties only make JSON.stringify slow.
      if (!BIG.includes(make as () => unknown)) values.push({ ...event, properties: make(1) });
      for (const value of values) {
        const problem = trodoEventProblem(value);
        expect(problem === null || typeof problem === 'string').toBe(true);
      }
    }
    // Deeper than JSON.stringify can recurse, though JSON.parse takes it.
    const depth = 200_000;
    const text = `{"type":"events","events":[${JSON.stringify(makeEvent()).replace('"properties":{"plan":"pro"}', `"properties":{"deep":${'['.repeat(depth)}${']'.repeat(depth)}}`)}]}`;
    expect(text.length).toBeLessThan(CAPS.messageBytes);
    const result = parsePageMessage(text);
    checkParsed(result);
    expect(result.ok && result.value.type === 'events' ? result.value.events : []).toEqual([]);
  });
});

// ── event name, category and time ─────────────────────────────────────────────

const nameLike: fc.Arbitrary<Recipe> = fc.oneof(
  fc.string({ maxLength: 10 }).map(just),
  fc.integer({ min: MAX_EVENT_NAME_LENGTH - 2, max: MAX_EVENT_NAME_LENGTH + 2 }).map((n) => just('n'.repeat(n))),
  fc.stringMatching(/^\s{0,5}$/).map(just),
  fc.constantFrom(' \u00a0\ufeff\u2028', '\t', 'ok').map(just),
  any,
  hostile,
);

describe('eventNameProblem, categoryProblem and isEventTime (properties)', () => {
  it('judge names and categories by the rule: a non-blank string of at most 255 characters', () => {
    fc.assert(
      fc.property(nameLike, (input) => {
        const value = build(input);
        const ok = typeof value === 'string' && value.trim() !== '' && value.length <= MAX_EVENT_NAME_LENGTH;
        for (const problem of [eventNameProblem(value), categoryProblem(value)]) {
          if (ok) expect(problem).toBeNull();
          else expect(typeof problem).toBe('string');
        }
      }),
      RUNS,
    );
  });

  it('take as an event time exactly the numbers a Date can hold', () => {
    const time: fc.Arbitrary<Recipe> = fc.oneof(
      fc.double().map(just),
      fc.double({ min: MAX_TIME - 2, max: MAX_TIME + 2 }).map(just),
      fc.double({ min: -MAX_TIME - 2, max: -MAX_TIME + 2 }).map(just),
      fc.integer().map(just),
      any,
      hostile,
    );
    fc.assert(
      fc.property(time, (input) => {
        const value = build(input);
        expect(isEventTime(value)).toBe(typeof value === 'number' && !Number.isNaN(new Date(value).getTime()));
      }),
      RUNS,
    );
  });
});
