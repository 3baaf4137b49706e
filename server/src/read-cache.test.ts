import { describe, expect, it } from 'vitest';
import { createReadCache } from './read-cache.js';

/** A load that answers when released, counting its calls. */
function gatedLoad() {
  const calls: string[] = [];
  let release: () => void = () => undefined;
  let gate = new Promise<void>((r) => {
    release = r;
  });
  return {
    calls,
    open: () => release(),
    reset: () => {
      gate = new Promise<void>((r) => {
        release = r;
      });
    },
    load: async (key: string) => {
      calls.push(key);
      await gate;
      return { key, n: calls.length };
    },
  };
}

describe('createReadCache', () => {
  it('reads a key once for concurrent callers, then answers from memory', async () => {
    const l = gatedLoad();
    const cache = createReadCache({ max: 10, ttlMs: 60_000, load: l.load });
    const both = Promise.all([cache.get('a'), cache.get('a')]);
    l.open();
    const [x, y] = await both;
    expect(x).toEqual({ key: 'a', n: 1 });
    expect(y).toBe(x);
    expect(await cache.get('a')).toBe(x);
    expect(l.calls).toEqual(['a']);
  });

  it('a key forgotten while it is being read answers its callers and is read again next time', async () => {
    const l = gatedLoad();
    const cache = createReadCache({ max: 10, ttlMs: 60_000, load: l.load });
    const pending = cache.get('a');
    cache.forget('a');
    l.open();
    expect(await pending).toEqual({ key: 'a', n: 1 });
    expect(await cache.get('a')).toEqual({ key: 'a', n: 2 });

    const l2 = gatedLoad();
    const cleared = createReadCache({ max: 10, ttlMs: 60_000, load: l2.load });
    const during = cleared.get('b');
    cleared.clear();
    l2.open();
    expect(await during).toEqual({ key: 'b', n: 1 });
    expect(await cleared.get('b')).toEqual({ key: 'b', n: 2 });
  });

  it('does not keep a failed read, and remembers a missing value', async () => {
    let fail = true;
    let reads = 0;
    const cache = createReadCache<{ ok: true }>({
      max: 10,
      ttlMs: 60_000,
      load: async (key) => {
        reads++;
        if (fail) throw new Error('database down');
        return key === 'missing' ? null : { ok: true };
      },
    });
    await expect(cache.get('a')).rejects.toThrow('database down');
    fail = false;
    expect(await cache.get('a')).toEqual({ ok: true });
    expect(await cache.get('missing')).toBeNull();
    expect(await cache.get('missing')).toBeNull();
    expect(reads).toBe(3);
  });
});
