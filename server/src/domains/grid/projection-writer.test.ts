import type { FastifyBaseLogger } from 'fastify';
import { describe, expect, it, vi } from 'vitest';
import type { IssueState } from './projection.js';
import { createProjectionWriter } from './projection-writer.js';

const state = (id: string, version: number) => ({ id, version }) as IssueState;
const log = { warn: vi.fn() } as unknown as FastifyBaseLogger;

/** A save whose calls stay open until released, recording what was written and how many ran at once. */
function slowSave() {
  const written: string[] = [];
  const open: (() => void)[] = [];
  let running = 0;
  let most = 0;
  const save = (s: IssueState) =>
    new Promise<void>((resolve) => {
      running++;
      most = Math.max(most, running);
      open.push(() => {
        running--;
        written.push(`${s.id}@${s.version}`);
        resolve();
      });
    });
  const releaseAll = async () => {
    while (open.length > 0) {
      for (const release of open.splice(0)) release();
      await new Promise((r) => setTimeout(r, 0));
    }
  };
  return { save, written, releaseAll, most: () => most };
}

describe('projection writer', () => {
  it('writes only the newest queued state of an issue, never two writes of one issue at once', async () => {
    const s = slowSave();
    const writer = createProjectionWriter(s.save, log, { maxInFlight: 3 });
    const first = writer.later(state('a', 1)); // starts writing at once
    const second = writer.later(state('a', 2)); // waits: `a` is being written
    const third = writer.later(state('a', 3)); // replaces version 2 in the queue
    expect(writer.pending).toBe(2);
    await s.releaseAll();
    await Promise.all([first, second, third]);
    expect(s.written).toEqual(['a@1', 'a@3']);
    expect(writer.pending).toBe(0);
  });

  it('bounds the writes in flight and drains everything', async () => {
    const s = slowSave();
    const writer = createProjectionWriter(s.save, log, { maxInFlight: 2 });
    for (let i = 0; i < 10; i++) void writer.later(state(`i${i}`, 1));
    const drained = writer.drain();
    await s.releaseAll();
    await drained;
    expect(s.most()).toBe(2);
    expect(s.written).toHaveLength(10);
  });

  it('settled waits for the queued and the running write of that issue only', async () => {
    const s = slowSave();
    const writer = createProjectionWriter(s.save, log, { maxInFlight: 1 });
    void writer.later(state('a', 1));
    void writer.later(state('b', 1));
    let bSettled = false;
    void writer.settled('b').then(() => {
      bSettled = true;
    });
    await writer.settled('nothing-pending');
    await s.releaseAll();
    await writer.drain();
    expect(bSettled).toBe(true);
    expect(s.written).toEqual(['a@1', 'b@1']);
  });

  it('a failed write is logged and does not stop the queue', async () => {
    const saved: string[] = [];
    const writer = createProjectionWriter(async (s) => {
      if (s.id === 'bad') throw new Error('database went away');
      saved.push(s.id);
    }, log);
    await Promise.all([writer.later(state('bad', 1)), writer.later(state('good', 1))]);
    expect(saved).toEqual(['good']);
    expect(log.warn).toHaveBeenCalled();
  });

  it('now writes at once, outside the queue, and rejects when the write fails', async () => {
    const s = slowSave();
    const writer = createProjectionWriter(s.save, log, { maxInFlight: 1 });
    void writer.later(state('queued', 1));
    void writer.later(state('waiting', 1));
    const direct = writer.now(state('api', 2));
    const settled = writer.settled('api');
    await s.releaseAll();
    await Promise.all([direct, settled]);
    expect(s.written).toContain('api@2');
    const failing = createProjectionWriter(() => Promise.reject(new Error('no')), log);
    await expect(failing.now(state('x', 1))).rejects.toThrow('no');
  });
});
