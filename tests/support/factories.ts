import { randomBytes } from 'node:crypto';
import { createOrgService, createUsersRepo, hashPassword, type UserDoc } from '@zhibu/server';
import type { AccountRole, BranchRole, CreateBranchBody, MemberStatus } from '@zhibu/shared';
import type { startTestApp } from './app.js';

type TestApp = Awaited<ReturnType<typeof startTestApp>>['app'];

const suffix = () => randomBytes(4).toString('hex');

export interface BuiltUser {
  id: string;
  doc: UserDoc;
  username: string;
  password: string;
  /** A valid access token, signed directly (no login round trip, no login rate limit). */
  token: string;
  headers: { authorization: string };
}

/**
 * Test data through the real services (never raw inserts where a service exists), in the style of
 * `buildUser(overrides)`. Usage: `const f = factories(ctx.app); const m = await f.buildMember({ role: 'secretary' })`.
 */
export function factories(app: TestApp) {
  const { ctx, deps } = app;
  const org = createOrgService(ctx);
  const users = createUsersRepo(ctx.db, ctx.now);

  async function buildUser(
    overrides: {
      username?: string;
      displayName?: string;
      password?: string;
      role?: AccountRole;
      mobile?: string;
    } = {},
  ): Promise<BuiltUser> {
    const username = overrides.username ?? `u_${suffix()}`;
    const password = overrides.password ?? `pw-${suffix()}-secret`;
    const doc = await users.create({
      username,
      mobile: overrides.mobile ?? null,
      displayName: overrides.displayName ?? `测试用户${username.slice(-4)}`,
      passwordHash: await hashPassword(password),
      role: overrides.role ?? 'user',
    });
    const id = doc._id.toHexString();
    const { token } = await deps.auth.accessTokens.sign(id, doc.role);
    return { id, doc, username, password, token, headers: { authorization: `Bearer ${token}` } };
  }

  async function buildCommittee(overrides: { name?: string } = {}) {
    return org.tree.createCommittee(overrides.name ?? `测试党委${suffix()}`);
  }

  async function buildBranch(overrides: Partial<CreateBranchBody> = {}) {
    const committeeId = overrides.committeeId ?? (await buildCommittee()).id;
    return org.tree.createBranch({
      name: `测试支部${suffix()}`,
      virtual: true,
      industries: ['物流', '互联网'],
      regions: ['上海', '杭州'],
      ...overrides,
      committeeId,
    });
  }

  /** A user who is a member of a branch (a new branch under a new committee unless `branchId` is given). */
  async function buildMember(
    overrides: {
      branchId?: string;
      role?: BranchRole;
      status?: MemberStatus;
      groupId?: string | null;
      employer?: string;
      industry?: string;
      region?: string;
      user?: BuiltUser;
      displayName?: string;
    } = {},
  ) {
    const branchId = overrides.branchId ?? (await buildBranch()).id;
    const branch = await org.tree.branchDoc(branchId);
    const user = overrides.user ?? (await buildUser({ displayName: overrides.displayName }));
    const membership = await org.members.add(
      branch,
      {
        userId: user.id,
        role: overrides.role ?? 'member',
        status: overrides.status ?? 'full',
        groupId: overrides.groupId ?? null,
        employer: overrides.employer ?? '顺丰速运',
        industry: overrides.industry ?? '物流',
        region: overrides.region ?? '上海',
      },
      null,
    );
    return { user, membership, branchId, committeeId: branch.committeeId.toHexString() };
  }

  async function buildCommitteeAdmin(committeeId: string, user?: BuiltUser) {
    const admin = user ?? (await buildUser());
    await org.tree.addCommitteeAdmin(committeeId, admin.id);
    return admin;
  }

  async function buildGroup(branchId: string, name = `第${suffix()}党小组`) {
    return org.tree.createGroup(branchId, { name });
  }

  return { org, users, buildUser, buildCommittee, buildBranch, buildMember, buildCommitteeAdmin, buildGroup };
}
export type Factories = ReturnType<typeof factories>;
