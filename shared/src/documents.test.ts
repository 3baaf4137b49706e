import { describe, expect, it } from 'vitest';
import { type AccessFacts, documentAccess, formatDocName, parseDocName } from './documents.js';

const none: AccessFacts = {
  canReadBranch: false,
  isBranchMember: false,
  isBranchLeader: false,
  isSecretary: false,
  isGroupMember: false,
};
const reader = { ...none, canReadBranch: true };
const member = { ...reader, isBranchMember: true };
const leader = { ...member, isBranchLeader: true };
const groupMember = { ...member, isGroupMember: true };

describe('document names', () => {
  it('round-trips and rejects anything else', () => {
    const id = 'a'.repeat(24);
    expect(parseDocName(formatDocName('minutes', id))).toEqual({ kind: 'minutes', id });
    for (const bad of [
      'minutes:',
      `minutes:${'A'.repeat(24)}`,
      `poem:${id}`,
      `minutes:${id}x`,
      ` minutes:${id}`,
    ]) {
      expect(parseDocName(bad)).toBeNull();
    }
  });
});

describe('the access rule', () => {
  it('minutes: members write drafts, leaders write submitted ones, nobody writes approved ones', () => {
    expect(documentAccess('minutes', 'draft', none)).toBe('none');
    expect(documentAccess('minutes', 'draft', reader)).toBe('read');
    expect(documentAccess('minutes', 'draft', member)).toBe('write');
    expect(documentAccess('minutes', 'submitted', member)).toBe('read');
    expect(documentAccess('minutes', 'submitted', leader)).toBe('write');
    expect(documentAccess('minutes', 'approved', leader)).toBe('read');
  });

  it('reflections: the owning group writes a draft; the rest of the branch reads', () => {
    expect(documentAccess('reflection', 'draft', member)).toBe('read');
    expect(documentAccess('reflection', 'draft', groupMember)).toBe('write');
    expect(documentAccess('reflection', 'archived', groupMember)).toBe('read');
    expect(documentAccess('reflection', 'draft', none)).toBe('none');
  });
});
