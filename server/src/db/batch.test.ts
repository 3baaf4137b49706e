import { describe, expect, it } from 'vitest';
import { createBatcher, type Outcome } from './batch.js';

/** A write that the test releases by hand, recording the batches it was given. */
function gatedWrite() {
  const batches: number[][] = [];
  const gates: (() => void)[] = [];
  let running = 0;
  let maxRunning = 0;
  const run = async (items: number[]): Promise<Outcome<number>[]> => {
    batches.push(items);
    running++;
    maxRunning = Math.max(maxRunning, running);
    await new Promise<void>((resolve) => gates.push(resolve));
    running--;
    return items.map((i) =>
      i < 0 ? { ok: false, error: new Error(`bad ${i}`) } : { ok: true, value: i * 10 },
    );
  };
  const releaseAll = async () => {
    await new Promise((resolve) => setImmediate(resolve));
    while (gates.length > 0) {
      gates.shift()?.();
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  return { run, batches, releaseAll, maxRunning: () => maxRunning };
}

describe('createBatcher', () => {
  it('writes the items of one tick together and those added meanwhile in the next batch', async () => {
    const w = gatedWrite();
    const b = createBatcher(w.run, { maxInFlight: 1 });
    const first = [b.add(1), b.add(2), b.add(3)];
    await new Promise((resolve) => setImmediate(resolve));
    const second = [b.add(4), b.add(5)];
    await w.releaseAll();
    await w.releaseAll();
    expect(await Promise.all([...first, ...second])).toEqual([10, 20, 30, 40, 50]);
    expect(w.batches).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
  });

  it('fails only the items whose outcome failed', async () => {
    const w = gatedWrite();
    const b = createBatcher(w.run);
    const ok = b.add(1);
    const bad = expect(b.add(-1)).rejects.toThrow('bad -1');
    await w.releaseAll();
    await expect(ok).resolves.toBe(10);
    await bad;
  });

  it('rejects every item of a batch whose write failed as a whole, and keeps working', async () => {
    let fail = true;
    const b = createBatcher(async (items: number[]): Promise<Outcome<number>[]> => {
      if (fail) throw new Error('connection lost');
      return items.map((i) => ({ ok: true, value: i }));
    });
    const results = await Promise.allSettled([b.add(1), b.add(2)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    await expect(b.add(3)).resolves.toBe(3);
  });

  it('bounds the writes in flight and the batch size', async () => {
    const w = gatedWrite();
    const b = createBatcher(w.run, { maxInFlight: 2, maxBatch: 2 });
    const all = Array.from({ length: 7 }, (_, i) => b.add(i));
    for (let i = 0; i < 6; i++) await w.releaseAll();
    expect(await Promise.all(all)).toEqual([0, 10, 20, 30, 40, 50, 60]);
    expect(w.maxRunning()).toBe(2);
    expect(Math.max(...w.batches.map((x) => x.length))).toBe(2);
    expect(w.batches.flat()).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });
});
