import type { GridRule } from '@zhibu/shared';
import { describe, expect, it } from 'vitest';
import { matchRules, suggestCategory } from './routing.js';

const D1 = 'd00000000000000000000001';
const D2 = 'd00000000000000000000002';
const FALLBACK = 'f00000000000000000000000';
const G1 = 'a00000000000000000000001';
const rule = (over: Partial<GridRule>): GridRule => ({
  id: 'r00000000000000000000000',
  priority: 10,
  category: 'hazard',
  gridIds: [],
  keywords: [],
  departmentId: D1,
  enabled: true,
  updatedAt: '2030-01-01T00:00:00.000Z',
  ...over,
});
const issue = (over: Partial<Parameters<typeof matchRules>[1]> = {}) => ({
  category: 'hazard' as const,
  gridId: G1,
  title: '道闸坏了',
  description: '小区门口的道闸无法抬起',
  excludedTargets: [] as string[],
  ...over,
});

describe('rule matching', () => {
  it('takes the first matching rule in priority order, with keywords and grids', () => {
    const rules = [
      rule({ id: 'r2', priority: 20, departmentId: D2 }),
      rule({ id: 'r1', priority: 5, keywords: ['道闸'], gridIds: [G1] }),
    ];
    const d = matchRules(rules, issue(), FALLBACK);
    expect(d.target.departmentId).toBe(D1);
    expect(d.ruleId).toBe('r1');
    expect(d.reason).toContain('keyword "道闸"');
    // Without the keyword, the keyword rule does not apply.
    expect(matchRules(rules, issue({ title: '路灯', description: '不亮' }), FALLBACK).ruleId).toBe('r2');
  });

  it('skips disabled rules and returned targets, then falls back, then goes to the dispatcher', () => {
    const rules = [rule({ id: 'r1', enabled: false }), rule({ id: 'r2', departmentId: D2 })];
    expect(matchRules(rules, issue(), FALLBACK).ruleId).toBe('r2');
    const returned = issue({ excludedTargets: [`department:${D2}`] });
    expect(matchRules(rules, returned, FALLBACK).target.departmentId).toBe(FALLBACK);
    expect(matchRules(rules, returned, null).target.kind).toBe('dispatcher');
  });

  it('suggests a category for "other" from Chinese keywords', () => {
    expect(suggestCategory('楼上邻居噪音扰民，多次沟通无果')).toBe('dispute');
    expect(suggestCategory('小区井盖破损有危险')).toBe('hazard');
    expect(suggestCategory('公司拖欠工资想咨询律师')).toBe('legalQuestion');
    expect(suggestCategory('今天天气不错')).toBeNull();
  });
});
