import { describe, expect, it } from 'vitest';
import { parseMentions } from './mentions.js';

describe('mentions', () => {
  const a = 'a'.repeat(24);
  const b = 'b'.repeat(24);
  it('finds user tokens once each, capped', () => {
    expect(parseMentions(`hi <@${a}> and <@${b}> <@${a}>`, 10).userIds).toEqual([a, b]);
    expect(parseMentions(`<@${a}> <@${b}>`, 1).userIds).toEqual([a]);
  });
  it('recognizes @all in its forms but not inside words or emails', () => {
    expect(parseMentions('<@all> 开会', 10).all).toBe(true);
    expect(parseMentions('请 @所有人 注意', 10).all).toBe(true);
    expect(parseMentions('@here now', 10).all).toBe(true);
    expect(parseMentions('mail me@all.com', 10).all).toBe(false);
    expect(parseMentions('nothing', 10).all).toBe(false);
  });
});
