/**
 * Ids that can be put before an id already given (`idBefore(id, k)`, k < ID_ROOM): the
 * counter's low 3 bits are a slot, the generator's own ids take the last one. An event keeps
 * the id it was born with while what it causes when it is stamped later (the end, record
 * and start of a session) still sorts before it, without renumbering anything.
 */
export const ID_ROOM = 7;

/**
 * UUID v7 ids: 48 bits of milliseconds, then a 12-bit counter that keeps ids from one
 * generator strictly increasing within a millisecond (512 ids a millisecond, each with
 * room for ID_ROOM ids before it), then 62 random bits. Sorting ids sorts events by
 * creation, which is why the worker's queue can be keyed by them.
 */
export function createIdGenerator(
  now: () => number = Date.now,
  fillRandom: (bytes: Uint8Array) => void = (b) => crypto.getRandomValues(b),
): () => string {
  let lastMs = -1;
  let counter = 0;
  // Random bytes come from a pool: one getRandomValues call per 512 ids, not per id.
  const pool = new Uint8Array(4096);
  let poolPos = pool.length;

  return () => {
    let ms = now();
    if (ms <= lastMs) {
      ms = lastMs;
      counter += ID_ROOM + 1;
      if (counter > 0xfff) {
        ms++;
        counter = 0;
      }
    } else {
      counter = 0;
    }
    lastMs = ms;
    if (poolPos + 8 > pool.length) {
      fillRandom(pool);
      poolPos = 0;
    }
    const r = pool.subarray(poolPos, (poolPos += 8));
    const time = ms.toString(16).padStart(12, '0');
    const randA = (0x7000 | counter | ID_ROOM).toString(16);
    const variant = (0x8000 | ((r[0]! & 0x3f) << 8) | r[1]!).toString(16);
    return `${time.slice(0, 8)}-${time.slice(8)}-${randA}-${variant}-${hex(r, 2, 8)}`;
  };
}

/**
 * The id in slot `k` (0 ≤ k < ID_ROOM) before `id`, one of this generator's: after every id
 * given before `id`, before `id` itself, and as unique (same random bits, another slot).
 * The generator's ids end their counter in slot 7 (hex 7 or f): the slots are that digit's
 * seven below.
 *
 * @example idBefore('0192f5a0-0000-700f-8000-000000000000', 0) // → '0192f5a0-0000-7008-8000-000000000000'
 */
export function idBefore(id: string, k: number): string {
  return id.slice(0, 17) + (id[17]! < '8' ? '0123456' : '89abcde')[k] + id.slice(18);
}

// Pure: a bundle that uses no id generator (the bridge) drops the table instead of building it at start.
const HEX = /* @__PURE__ */ Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function hex(bytes: Uint8Array, from: number, to: number): string {
  let out = '';
  for (let i = from; i < to; i++) out += HEX[bytes[i]!];
  return out;
}

/** Ids for anonymous users and sessions: v4-shaped, unordered. */
export function randomUuid(): string {
  // Not crypto.randomUUID: it exists only in secure contexts, and QA runs plain-http
  // staging sites too (getRandomValues exists everywhere).
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  return `${hex(b, 0, 4)}-${hex(b, 4, 6)}-${hex(b, 6, 8)}-${hex(b, 8, 10)}-${hex(b, 10, 16)}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}
