import { describe, expect, it } from 'vitest';
import { ID_ROOM, createIdGenerator, idBefore, isUuid, randomUuid } from '../lib/ids';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The 48-bit millisecond timestamp at the front of a v7 id. */
const msOf = (id: string) => parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
/** The 12-bit counter in rand_a. */
const counterOf = (id: string) => parseInt(id.slice(15, 18), 16);

function isStrictlyIncreasing(ids: string[]): boolean {
  return ids.every((id, i) => i === 0 || ids[i - 1]! < id);
}

describe('createIdGenerator (UUID v7)', () => {
  it('makes RFC 9562 v7 ids: version nibble 7, variant bits 10', () => {
    const next = createIdGenerator();
    for (let i = 0; i < 2000; i++) {
      const id = next();
      expect(id).toMatch(UUID_V7);
      expect(isUuid(id)).toBe(true);
      const variantNibble = parseInt(id[19]!, 16);
      expect(variantNibble >> 2).toBe(0b10);
    }
  });

  it('keeps the variant bits 10 whatever the random bytes are', () => {
    for (const byte of [0x00, 0xff, 0x3f, 0xc0]) {
      const id = createIdGenerator(() => 0, (b) => b.fill(byte))();
      expect(id).toMatch(UUID_V7);
    }
    expect(createIdGenerator(() => 0, (b) => b.fill(0xff))()).toBe('00000000-0000-7007-bfff-ffffffffffff');
    expect(createIdGenerator(() => 0, (b) => b.fill(0))()).toBe('00000000-0000-7007-8000-000000000000');
  });

  it('puts the clock milliseconds in the first 48 bits', () => {
    const ms = Date.UTC(2025, 5, 1, 8, 30, 15, 123);
    const id = createIdGenerator(() => ms)();
    expect(msOf(id)).toBe(ms);
    expect(id.slice(0, 13)).toBe(`${ms.toString(16).padStart(12, '0').slice(0, 8)}-${ms.toString(16).padStart(12, '0').slice(8)}`);
  });

  it('is strictly increasing within one millisecond (counter in rand_a)', () => {
    const next = createIdGenerator(() => 1_700_000_000_000, (b) => b.fill(0xff));
    const ids = Array.from({ length: 100 }, next);
    expect(isStrictlyIncreasing(ids)).toBe(true);
    // Steps of 8: each id leaves room for ID_ROOM ids before it (idBefore).
    expect(ids.map(counterOf)).toEqual(Array.from({ length: 100 }, (_, i) => i * 8 + ID_ROOM));
    expect(new Set(ids.map(msOf))).toEqual(new Set([1_700_000_000_000]));
  });

  it('stays increasing when the counter overflows, by borrowing the next millisecond', () => {
    const ms = 1_700_000_000_000;
    // Random bytes descending so that random order cannot hide a counter bug.
    let fill = 0xff;
    const next = createIdGenerator(() => ms, (b) => b.fill(fill--));
    const ids = Array.from({ length: 512 * 2 + 10 }, next);
    expect(isStrictlyIncreasing(ids)).toBe(true);
    expect(msOf(ids[511]!)).toBe(ms);
    expect(counterOf(ids[511]!)).toBe(0xfff);
    expect(msOf(ids[512]!)).toBe(ms + 1);
    expect(counterOf(ids[512]!)).toBe(ID_ROOM);
    expect(msOf(ids.at(-1)!)).toBe(ms + 2);
  });

  it('stays monotonic when the clock goes backwards', () => {
    const times = [5000, 5000, 4000, 3000, 5000, 4999, 6000, 1000];
    let i = 0;
    const next = createIdGenerator(() => times[i++]!, (b) => b.fill(0x80));
    const ids = times.map(() => next());
    expect(isStrictlyIncreasing(ids)).toBe(true);
    // Time never goes backwards in the ids either.
    expect(ids.map(msOf)).toEqual([5000, 5000, 5000, 5000, 5000, 5000, 6000, 6000]);
  });

  it('resets the counter when the clock moves on', () => {
    let ms = 10;
    const next = createIdGenerator(() => ms);
    next();
    next();
    ms = 11;
    expect(counterOf(next())).toBe(ID_ROOM);
  });

  it('draws random bytes from a pool, not once per id', () => {
    let fills = 0;
    const next = createIdGenerator(() => 1, (b) => {
      fills++;
      crypto.getRandomValues(b);
    });
    for (let i = 0; i < 512; i++) next();
    expect(fills).toBe(1);
    next();
    expect(fills).toBe(2);
  });

  it('makes 100k unique, sorted ids with the real clock and random source', () => {
    const next = createIdGenerator();
    const ids: string[] = new Array(100_000);
    for (let i = 0; i < ids.length; i++) ids[i] = next();
    expect(new Set(ids).size).toBe(100_000);
    expect(isStrictlyIncreasing(ids)).toBe(true);
  });

  it('makes distinct ids from two generators in the same millisecond (random part)', () => {
    const a = createIdGenerator(() => 42);
    const b = createIdGenerator(() => 42);
    const ids = new Set([...Array.from({ length: 1000 }, a), ...Array.from({ length: 1000 }, b)]);
    expect(ids.size).toBe(2000);
  });
});

describe('idBefore', () => {
  it('puts up to ID_ROOM distinct ids between an id and the one given before it, in slot order', () => {
    const next = createIdGenerator(() => 1_700_000_000_000);
    const previous = next();
    const id = next();
    const before = Array.from({ length: ID_ROOM }, (_, k) => idBefore(id, k));
    expect(isStrictlyIncreasing([previous, ...before, id])).toBe(true);
    for (const b of before) expect(b).toMatch(UUID_V7);
  });

  it('stays between the two when the counter has just overflowed into the next millisecond', () => {
    const next = createIdGenerator(() => 5);
    const ids = Array.from({ length: 513 }, next);
    const [previous, id] = [ids[511]!, ids[512]!];
    expect(isStrictlyIncreasing([previous, idBefore(id, 0), idBefore(id, ID_ROOM - 1), id])).toBe(true);
  });
});

describe('randomUuid / isUuid', () => {
  it('randomUuid makes v4 ids', () => {
    const ids = new Set(Array.from({ length: 100 }, randomUuid));
    expect(ids.size).toBe(100);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('randomUuid works where crypto.randomUUID does not (a plain-http page is not a secure context)', () => {
    const randomUUID = crypto.randomUUID;
    Object.defineProperty(crypto, 'randomUUID', { value: undefined, configurable: true });
    try {
      expect(randomUuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    } finally {
      Object.defineProperty(crypto, 'randomUUID', { value: randomUUID, configurable: true });
    }
  });

  it('isUuid accepts lower-case UUIDs only', () => {
    expect(isUuid('0192f5a0-0000-7000-8000-000000000000')).toBe(true);
    expect(isUuid('0192F5A0-0000-7000-8000-000000000000')).toBe(false);
    expect(isUuid('0192f5a0-0000-7000-8000-00000000000')).toBe(false);
    expect(isUuid('not-a-uuid')).toBe(false);
    expect(isUuid(42)).toBe(false);
    expect(isUuid(null)).toBe(false);
    expect(isUuid(' 0192f5a0-0000-7000-8000-000000000000')).toBe(false);
  });
});
