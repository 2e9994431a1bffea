/**
 * UUID v7 ids: 48 bits of milliseconds, then a 12-bit counter that keeps ids from one
 * generator strictly increasing within a millisecond, then 62 random bits. Sorting ids
 * sorts events by creation, which is why the worker's queue can be keyed by them.
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
      counter++;
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
    const randA = (0x7000 | counter).toString(16);
    const variant = (0x8000 | ((r[0]! & 0x3f) << 8) | r[1]!).toString(16);
    return `${time.slice(0, 8)}-${time.slice(8)}-${randA}-${variant}-${hex(r, 2, 8)}`;
  };
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
  return crypto.randomUUID();
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}
