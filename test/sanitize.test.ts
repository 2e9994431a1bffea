import { afterEach, describe, expect, it } from 'vitest';
import { isReservedPropertyName } from '../lib/event';
import { LIMITS, sanitizeProperties } from '../lib/sanitize';

function run(input: unknown, isReserved?: (key: string) => boolean) {
  const notes: string[] = [];
  const output = sanitizeProperties(input, notes, isReserved);
  return { output, notes };
}

/** The output is exactly what JSON carries: stringify → parse gives the same text back. */
function expectJsonSafe(output: unknown) {
  const text = JSON.stringify(output);
  expect(JSON.stringify(JSON.parse(text))).toBe(text);
}

describe('sanitizeProperties', () => {
  afterEach(() => {
    // A pollution test that went wrong must not poison the rest of the run.
    delete (Object.prototype as Record<string, unknown>).polluted;
  });

  it('passes plain JSON through unchanged and without notes', () => {
    const input = { plan: 'pro', seats: 3, ratio: 0.5, on: true, none: null, tags: ['a', 'b'], nested: { x: { y: 1 } } };
    const { output, notes } = run(input);
    expect(output).toEqual(input);
    expect(output).not.toBe(input);
    expect(notes).toEqual([]);
    expectJsonSafe(output);
  });

  it('treats undefined and null as no properties, silently', () => {
    expect(run(undefined)).toEqual({ output: {}, notes: [] });
    expect(run(null)).toEqual({ output: {}, notes: [] });
  });

  it.each([
    ['a string', 'hello', 'string'],
    ['a number', 5, 'number'],
    ['a boolean', true, 'boolean'],
    ['an array', [1, 2], 'array'],
    ['a function', () => 1, 'function'],
  ])('ignores %s as properties, with a note', (_label, input, type) => {
    const { output, notes } = run(input);
    expect(output).toEqual({});
    expect(notes).toEqual([`properties must be an object, got ${type}; ignored`]);
  });

  it('drops circular references, with a note, and keeps shared (non-circular) references', () => {
    const shared = { k: 1 };
    const a: Record<string, unknown> = { name: 'a', shared, again: shared };
    a.self = a;
    const list: unknown[] = [1];
    list.push(list);
    a.list = list;
    const { output, notes } = run(a);
    expect(output).toEqual({ name: 'a', shared: { k: 1 }, again: { k: 1 }, list: [1, null] });
    expect(notes).toEqual(['self: circular reference dropped', 'list[1]: circular reference dropped']);
    expectJsonSafe(output);
  });

  it('drops an indirect cycle deeper down', () => {
    const parent: Record<string, unknown> = { id: 'p' };
    parent.child = { id: 'c', parent };
    const { output, notes } = run(parent);
    expect(output).toEqual({ id: 'p', child: { id: 'c' } });
    expect(notes).toEqual(['child.parent: circular reference dropped']);
  });

  it('sends BigInt as a string', () => {
    const { output, notes } = run({ big: 12345678901234567890n });
    expect(output).toEqual({ big: '12345678901234567890' });
    expect(notes).toEqual(['big: BigInt sent as a string']);
    expectJsonSafe(output);
  });

  it('drops functions and symbols; inside arrays they become null', () => {
    const { output, notes } = run({ fn() {}, sym: Symbol('s'), arr: [() => 1, Symbol('t'), 2], keep: 1 });
    expect(output).toEqual({ arr: [null, null, 2], keep: 1 });
    expect(notes).toEqual(['fn: function dropped', 'sym: symbol dropped', 'arr[0]: function dropped', 'arr[1]: symbol dropped']);
  });

  it('drops undefined values without a note (as JSON.stringify does)', () => {
    const { output, notes } = run({ a: undefined, b: [undefined] });
    expect(output).toEqual({ b: [null] });
    expect('a' in output).toBe(false);
    expect(notes).toEqual([]);
  });

  it('sends NaN and ±Infinity as null', () => {
    const { output, notes } = run({ a: NaN, b: Infinity, c: -Infinity, d: [NaN] });
    expect(output).toEqual({ a: null, b: null, c: null, d: [null] });
    expect(notes).toEqual([
      'a: NaN is not valid JSON; sent as null',
      'b: Infinity is not valid JSON; sent as null',
      'c: -Infinity is not valid JSON; sent as null',
      'd[0]: NaN is not valid JSON; sent as null',
    ]);
    expectJsonSafe(output);
  });

  it('sends a Date as its ISO string', () => {
    const { output, notes } = run({ at: new Date(Date.UTC(2024, 1, 29, 10, 0, 0)) });
    expect(output).toEqual({ at: '2024-02-29T10:00:00.000Z' });
    expect(notes).toEqual(['at: Date sent as an ISO string']);
  });

  it('sends an invalid Date as null, with a note', () => {
    const { output, notes } = run({ at: new Date('not a date') });
    expect(output).toEqual({ at: null });
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/^at: /);
    expectJsonSafe(output);
  });

  // BUG (lib/sanitize.ts sanitizeValue, Date branch): an invalid Date is sent as null but the
  // note says "Date sent as an ISO string", so the popup misreports what was changed.
  it('says an invalid Date was sent as null, not as an ISO string', () => {
    const { notes } = run({ at: new Date('not a date') });
    expect(notes[0]).not.toMatch(/ISO string/);
  });

  // Their content is not in own enumerable keys, so they are converted, with a note each.
  it('sends a Map as an object, a Set as an array and an Error as its name and message', () => {
    const { output, notes } = run({ m: new Map<unknown, unknown>([['a', 1], [2, NaN]]), s: new Set([1, 2]), e: new TypeError('boom') });
    expect(output).toEqual({ m: { a: 1, '2': null }, s: [1, 2], e: { name: 'TypeError', message: 'boom' } });
    expect(notes).toEqual(['m: Map sent as an object', 'm.2: NaN is not valid JSON; sent as null', 's: Set sent as an array', 'e: Error sent as an object']);
  });

  it('truncates long strings to the limit', () => {
    const long = 'x'.repeat(LIMITS.maxStringLength + 500);
    const { output, notes } = run({ long, exact: 'y'.repeat(LIMITS.maxStringLength) });
    expect(output.long).toBe('x'.repeat(LIMITS.maxStringLength));
    expect(output.exact).toHaveLength(LIMITS.maxStringLength);
    expect(notes).toEqual([`long: string of ${LIMITS.maxStringLength + 500} characters truncated to ${LIMITS.maxStringLength}`]);
  });

  it('drops objects nested deeper than the depth limit', () => {
    expect(LIMITS.maxDepth).toBe(6);
    const deep = { l1: { l2: { l3: { l4: { l5: { l6: { l7: { l8: 'too deep' } }, leaf6: 6 } } } } } };
    const { output, notes } = run(deep);
    expect(output).toEqual({ l1: { l2: { l3: { l4: { l5: { l6: {}, leaf6: 6 } } } } } });
    expect(notes).toEqual(['l1.l2.l3.l4.l5.l6.l7: nested deeper than 6 levels; dropped']);
    expectJsonSafe(output);
  });

  it('counts array nesting towards the depth limit too', () => {
    const deep = { a: [[[[[[['x']]]]]]] };
    const { output, notes } = run(deep);
    expect(output).toEqual({ a: [[[[[[null]]]]]] });
    expect(notes).toEqual(['a[0][0][0][0][0][0]: nested deeper than 6 levels; dropped']);
  });

  it('keeps the first 100 keys of an object with too many', () => {
    const many = Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`k${i}`, i]));
    const { output, notes } = run({ many });
    const kept = output.many as Record<string, number>;
    expect(Object.keys(kept)).toHaveLength(LIMITS.maxKeys);
    expect(kept.k0).toBe(0);
    expect(kept.k99).toBe(99);
    expect(kept.k100).toBeUndefined();
    expect(notes).toEqual([`many has more than ${LIMITS.maxKeys} keys; the rest dropped`]);
  });

  it('names the top level "properties" when it has too many keys', () => {
    const many = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`k${i}`, i]));
    const { output, notes } = run(many);
    expect(Object.keys(output)).toHaveLength(100);
    expect(notes).toEqual(['properties has more than 100 keys; the rest dropped']);
  });

  it('does not count dropped values or stripped names towards the key limit', () => {
    const input: Record<string, unknown> = { url: 'x', fn: () => 0 };
    for (let i = 0; i < 100; i++) input[`k${i}`] = i;
    const { output, notes } = run(input, isReservedPropertyName);
    expect(Object.keys(output)).toHaveLength(100);
    expect(notes).toEqual(['"url" is a reserved name filled by the tracker; stripped', 'fn: function dropped']);
  });

  it('cuts long arrays to 100 items', () => {
    const { output, notes } = run({ list: Array.from({ length: 250 }, (_, i) => i) });
    expect(output.list).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(notes).toEqual(['list: array of 250 items cut to 100']);
  });

  it('drops a property whose getter throws and keeps the rest', () => {
    const input = { before: 1, after: 2 };
    Object.defineProperty(input, 'bad', {
      enumerable: true,
      get() {
        throw new Error('boom');
      },
    });
    const { output, notes } = run(input);
    expect(output).toEqual({ before: 1, after: 2 });
    expect(notes).toEqual(['bad: reading it threw (boom); dropped']);
  });

  it('survives a getter that throws a non-Error with a throwing toString', () => {
    const input = {};
    Object.defineProperty(input, 'worse', {
      enumerable: true,
      get() {
        throw { toString: () => { throw new Error('nested'); } };
      },
    });
    const { output, notes } = run(input);
    expect(output).toEqual({});
    expect(notes).toEqual(['worse: reading it threw (unreadable error); dropped']);
  });

  it('ignores a Proxy whose traps throw, with a note', () => {
    const evil = new Proxy({}, {
      ownKeys() {
        throw new Error('trap');
      },
    });
    const { output, notes } = run(evil);
    expect(output).toEqual({});
    expect(notes).toEqual(['properties could not be read (trap); ignored']);
  });

  it('ignores a revoked Proxy', () => {
    const { proxy, revoke } = Proxy.revocable({ a: 1 }, {});
    revoke();
    const { output, notes } = run(proxy);
    expect(output).toEqual({});
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/could not be read/);
  });

  it('keeps "__proto__" as a plain data key and does not pollute Object.prototype', () => {
    const input = JSON.parse('{"__proto__": {"polluted": "yes"}, "nested": {"__proto__": {"polluted": "deep"}}}') as unknown;
    const { output, notes } = run(input);
    expect(notes).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(output)).toBe(Object.prototype);
    expect(Object.keys(output)).toEqual(['__proto__', 'nested']);
    expect(Object.getOwnPropertyDescriptor(output, '__proto__')?.value).toEqual({ polluted: 'yes' });
    expect((output as Record<string, unknown>).polluted).toBeUndefined();
    expect(JSON.stringify(output)).toBe('{"__proto__":{"polluted":"yes"},"nested":{"__proto__":{"polluted":"deep"}}}');
    expectJsonSafe(output);
  });

  it('strips reserved names at the top level only, in any case', () => {
    const input = { url: 'u', Title: 't', PAGE_TITLE: 'pt', plan: 'pro', nested: { url: 'kept', title: 'kept' } };
    const { output, notes } = run(input, isReservedPropertyName);
    expect(output).toEqual({ plan: 'pro', nested: { url: 'kept', title: 'kept' } });
    expect(notes).toEqual([
      '"url" is a reserved name filled by the tracker; stripped',
      '"Title" is a reserved name filled by the tracker; stripped',
      '"PAGE_TITLE" is a reserved name filled by the tracker; stripped',
    ]);
  });

  it('strips nothing when no reserved-name rule is given', () => {
    expect(run({ url: 'u' }).output).toEqual({ url: 'u' });
  });

  it('records one note per change when everything goes wrong at once', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.me = cyclic;
    const getterThrows = {};
    Object.defineProperty(getterThrows, 'x', { enumerable: true, get: () => { throw new Error('nope'); } });
    const input = {
      href: 'reserved',
      cyclic,
      big: 1n,
      fn: () => 0,
      sym: Symbol('s'),
      nan: NaN,
      inf: Infinity,
      date: new Date(0),
      badDate: new Date(NaN),
      long: 'z'.repeat(3000),
      list: new Array(101).fill(0),
      deep: { a: { b: { c: { d: { e: { f: { g: 1 } } } } } } },
      getterThrows,
      ok: 'fine',
    };
    const { output, notes } = run(input, isReservedPropertyName);
    expect(notes).toHaveLength(13);
    expect(notes).toEqual([
      expect.stringContaining('"href" is a reserved name'),
      'cyclic.me: circular reference dropped',
      'big: BigInt sent as a string',
      'fn: function dropped',
      'sym: symbol dropped',
      'nan: NaN is not valid JSON; sent as null',
      'inf: Infinity is not valid JSON; sent as null',
      'date: Date sent as an ISO string',
      expect.stringMatching(/^badDate: /),
      'long: string of 3000 characters truncated to 2048',
      'list: array of 101 items cut to 100',
      'deep.a.b.c.d.e.f: nested deeper than 6 levels; dropped',
      'getterThrows.x: reading it threw (nope); dropped',
    ]);
    expect(output).toMatchObject({ cyclic: {}, big: '1', nan: null, inf: null, date: '1970-01-01T00:00:00.000Z', badDate: null, ok: 'fine' });
    expect((output.deep as Record<string, unknown>)).toEqual({ a: { b: { c: { d: { e: {} } } } } });
    expectJsonSafe(output);
  });

  it('sends a typed array as an array of its numbers, cut like any array', () => {
    const { output, notes } = run({ bytes: new Uint8Array([1, 2, 3]), many: new Float64Array(150).fill(0.5), odd: new Float32Array([NaN]) });
    expect(output).toEqual({ bytes: [1, 2, 3], many: Array(100).fill(0.5), odd: [null] });
    expect(notes).toEqual([
      'bytes: typed array sent as an array',
      'many: typed array sent as an array',
      'many: array of 150 items cut to 100',
      'odd: typed array sent as an array',
      'odd[0]: NaN is not valid JSON; sent as null',
    ]);
  });

  it('sends an ArrayBuffer or a DataView as its size', () => {
    const { output, notes } = run({ buffer: new ArrayBuffer(16), view: new DataView(new ArrayBuffer(4)) });
    expect(output).toEqual({ buffer: '16 bytes', view: '4 bytes' });
    expect(notes).toEqual(['buffer: binary data sent as its size', 'view: binary data sent as its size']);
  });

  it('sends -0 as 0, as JSON does', () => {
    const { output, notes } = run({ zero: -0 });
    expect(Object.is(output.zero, 0)).toBe(true);
    expect(notes).toEqual([]);
  });

  it('drops only a nested value whose Proxy traps or getters throw, and keeps the rest', () => {
    const trap = (name: string) => ({ [name]: () => { throw new Error(name); } });
    const { proxy: revoked, revoke } = Proxy.revocable({}, {});
    revoke();
    const input = {
      before: 1,
      keys: { inner: new Proxy({ a: 1 }, trap('ownKeys')) },
      proto: new Proxy({ a: 1 }, trap('getPrototypeOf')),
      list: [new Proxy([1], trap('get')), 2],
      revoked,
      map: new Map([[{ toString: trap('toString').toString }, 1]]),
      after: 2,
    };
    const { output, notes } = run(input);
    expect(output).toEqual({ before: 1, keys: {}, list: [null, 2], after: 2 });
    expect(notes).toEqual([
      'keys.inner: reading it threw (ownKeys); dropped',
      'proto: reading it threw (getPrototypeOf); dropped',
      'list[0]: reading it threw (get); dropped',
      expect.stringMatching(/^revoked: reading it threw \(.*revoked.*\); dropped$/),
      'map: reading it threw (toString); dropped',
    ]);
  });

  it('keeps all the properties within a total size, noting where it ran out', () => {
    const input = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`k${i}`, 'x'.repeat(LIMITS.maxStringLength)]));
    const { output, notes } = run(input);
    const text = JSON.stringify(output);
    expect(text.length).toBeLessThanOrEqual(LIMITS.maxTotalLength);
    expect(text.length).toBeGreaterThan(LIMITS.maxTotalLength - LIMITS.maxStringLength - 16);
    expect(Object.keys(output)).toEqual(Array.from({ length: 15 }, (_, i) => `k${i}`));
    expect(notes).toEqual(['k15: properties over 32768 characters; dropped from here on']);
  });

  it('counts escapes towards the total size', () => {
    const { output } = run({ a: Array(10).fill('\u0000'.repeat(LIMITS.maxStringLength)) });
    expect(JSON.stringify(output).length).toBeLessThanOrEqual(LIMITS.maxTotalLength);
  });

  it('stops looking through an object after ten times the key limit', () => {
    // Undefined values are dropped silently and take no room, but not all 100 000 are read.
    const input: Record<string, unknown> = Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`u${i}`, undefined]));
    input.last = 1;
    const { output, notes } = run(input);
    expect(output).toEqual({});
    expect(notes).toEqual(['properties has more than 100 keys; the rest dropped']);
  });

  it('appends to the caller notes rather than replacing them', () => {
    const notes = ['earlier'];
    sanitizeProperties({ n: NaN }, notes);
    expect(notes).toEqual(['earlier', 'n: NaN is not valid JSON; sent as null']);
  });
});

describe('sanitizeProperties: keys that Object.prototype also has', () => {
  it('keeps them as plain data keys, and never runs a setter the page put on Object.prototype', () => {
    const seen: unknown[] = [];
    Object.defineProperty(Object.prototype, 'trap', { set: (v: unknown) => void seen.push(v), configurable: true });
    try {
      const input = JSON.parse('{"__proto__":"p","constructor":"c","toString":"t","trap":"x","plan":"pro"}') as object;
      const out = sanitizeProperties(input, []);
      expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
      expect(Object.entries(out)).toEqual([['__proto__', 'p'], ['constructor', 'c'], ['toString', 't'], ['trap', 'x'], ['plan', 'pro']]);
      expect(seen).toEqual([]);
    } finally {
      delete (Object.prototype as { trap?: unknown }).trap;
    }
  });
});
