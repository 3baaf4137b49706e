import { describe, expect, it } from 'vitest';
import { highlight, indexTerms, parseQuery } from './ngrams.js';

describe('search terms', () => {
  it('indexes Chinese as bigrams and Latin as lowercase words', () => {
    const terms = indexTerms('网格化管理 Party Building 2024');
    expect(terms).toEqual(
      expect.arrayContaining(['网格', '格化', '化管', '管理', 'party', 'building', '2024']),
    );
  });

  it('finds a Chinese phrase inside a longer one', () => {
    const stored = new Set(indexTerms('本月网格化管理工作总结'));
    const q = parseQuery('网格化');
    expect(q.terms.every((t) => stored.has(t))).toBe(true);
    expect(highlight('本月网格化管理工作总结', q)).toEqual([[2, 5]]);
  });

  it('rejects bigrams that occur apart', () => {
    const q = parseQuery('网格化');
    expect(highlight('网格 里的 格化', q)).toBeNull();
  });

  it('matches Latin words whole and case-insensitively, mixed with Chinese', () => {
    const q = parseQuery('Zhibu 支部');
    expect(highlight('欢迎使用 ZHIBU 云支部', q)).toEqual([
      [5, 10],
      [12, 14],
    ]);
    expect(highlight('zhibuX 支部', parseQuery('zhibu'))).toBeNull();
  });

  it('handles a one-character Chinese query', () => {
    expect(indexTerms('党建')).toContain('党');
    expect(parseQuery('党').terms).toEqual(['党']);
  });
});
