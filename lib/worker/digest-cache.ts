import type { Digest } from './history-query';

/**
 * The chunk store's digests in memory, while a viewer reads them. Loaded with one getAll and
 * then kept current by the store's own writes (`edit`, as each chunk is written), so paging
 * and counting a 100 000-record history is a walk over arrays, not a read per scroll.
 *
 * The worker is the only writer of its database, so its own edits are all there is to
 * follow. Edits made while a load is in flight are replayed over what it read (the read may
 * or may not include them; replaying the newest digest of a chunk is right either way). A
 * transaction that fails leaves the cache unknown: it is dropped and read again.
 */
export function createDigestCache(readAll: () => Promise<Digest[]>) {
  let cache: Map<string, Digest> | null = null;
  /** The cache in key order, until the next edit. */
  let sorted: Digest[] | null = null;
  let journal: Map<string, Digest | null> | null = null;
  let loading: Promise<void> | null = null;
  let generation = 0;
  const watched = new WeakSet<object>();

  async function load() {
    const at = generation;
    const edits = new Map<string, Digest | null>();
    journal = edits;
    try {
      const all = await readAll();
      if (at !== generation) return;
      const map = new Map(all.map((d) => [d.key, d]));
      for (const [key, digest] of edits) {
        if (digest) map.set(key, digest);
        else map.delete(key);
      }
      cache = map;
    } finally {
      if (journal === edits) journal = null;
    }
  }

  function drop() {
    cache = null;
    sorted = null;
    journal = null;
    generation++;
  }

  return {
    /** Every digest, in key order (oldest chunk first). */
    async all(): Promise<Digest[]> {
      while (!cache) {
        loading ??= load().finally(() => (loading = null));
        await loading;
      }
      sorted ??= [...cache.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      return sorted;
    },
    /** The digest held for a chunk, if loaded (to reuse the sizes it measured). */
    peek: (key: string): Digest | undefined => cache?.get(key),
    /** A chunk was written (digest) or deleted (null) in `tx`. */
    edit(tx: { done: Promise<void> }, key: string, digest: Digest | null) {
      if (cache) {
        if (digest) cache.set(key, digest);
        else cache.delete(key);
        sorted = null;
      }
      journal?.set(key, digest);
      if (!watched.has(tx)) {
        watched.add(tx);
        tx.done.catch(drop);
      }
    },
    /** Frees the memory (no viewer is open); the next read loads again. */
    drop,
  };
}
