import { LRUCache } from 'lru-cache';

export interface ReadCache<V> {
  /** The cached value, or the one `load` gives (one read in flight per key; a failed read is not kept). */
  get(key: string): Promise<V | null>;
  /** Drops the key at once; a read in flight still answers its callers but is not stored. */
  forget(key: string): void;
  /** Drops every key, as `forget` does. */
  clear(): void;
}

/**
 * A per-process read-through cache on lru-cache: at most `max` keys, each kept `ttlMs` (0: until evicted
 * or forgotten). `load` may answer null, which is remembered too: asking again for something missing costs
 * one read per `ttlMs`, not one per call. lru-cache rejects the callers of a read that a delete interrupts;
 * here they get what was read (`ignoreFetchAbort`), and only the cache forgets it.
 */
export function createReadCache<V extends object | string>(options: {
  max: number;
  ttlMs: number;
  load: (key: string) => Promise<V | null>;
}): ReadCache<V> {
  const cache = new LRUCache<string, { value: V | null }>({
    max: options.max,
    ttl: options.ttlMs,
    ignoreFetchAbort: true,
    fetchMethod: async (key) => ({ value: await options.load(key) }),
  });
  return {
    async get(key) {
      return (await cache.fetch(key))?.value ?? null;
    },
    forget(key) {
      cache.delete(key);
    },
    clear() {
      cache.clear();
    },
  };
}
