import { describe, expect, it } from 'vitest';
import { compareOffsets, notDeliveredLive } from './recovery.js';

const packet = (text: string, offset: string) => ['channel:event', { text }, offset];

describe('compareOffsets', () => {
  it('orders stream ids by time, then sequence, numerically', () => {
    expect(compareOffsets('1700000000000-0', '1700000000000-0')).toBe(0);
    expect(compareOffsets('1700000000000-10', '1700000000000-9')).toBeGreaterThan(0);
    expect(compareOffsets('999-5', '1000-0')).toBeLessThan(0);
  });
});

describe('notDeliveredLive', () => {
  const missed = [packet('a', '100-0'), packet('b', '100-1'), packet('c', '101-0'), packet('d', '102-0')];

  it('keeps what the reader passed while away and drops other processes’ packets it has not read yet', () => {
    const kept = notDeliveredLive(missed, '100-1', new Set());
    expect(kept.map((p) => (p[1] as { text: string }).text)).toEqual(['a', 'b']);
  });

  it('keeps this process’s own packets past the reader: they were broadcast locally already', () => {
    const kept = notDeliveredLive(missed, '100-1', new Set(['102-0']));
    expect(kept.map((p) => (p[1] as { text: string }).text)).toEqual(['a', 'b', 'd']);
  });

  it('keeps everything before the reader has read anything, and packets without an offset', () => {
    expect(notDeliveredLive(missed, null, new Set())).toEqual(missed);
    expect(notDeliveredLive([['presence', {}]], '1-0', new Set())).toHaveLength(1);
  });
});
