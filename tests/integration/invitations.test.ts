import { createHash } from 'node:crypto';
import { ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, bearer, login, startTestApp } from '../support/app.js';
import { type Factories, factories } from '../support/factories.js';

let ctx: Awaited<ReturnType<typeof startTestApp>>;
let f: Factories;
let clock = new Date('2026-03-01T02:00:00Z');
let branchA: string;
let branchB: string;
let secretaryA: Awaited<ReturnType<Factories['buildMember']>>;

beforeAll(async () => {
  ctx = await startTestApp('invitations', { INVITATION_TTL_HOURS: '72' }, { now: () => clock });
  f = factories(ctx.app);
  secretaryA = await f.buildMember({ role: 'secretary', displayName: '王书记' });
  branchA = secretaryA.branchId;
  branchB = (await f.buildBranch({ committeeId: secretaryA.committeeId, name: '互联网虚拟党支部' })).id;
});
afterAll(() => ctx.close());

const invite = (branchId: string, headers: object, body: object = {}) =>
  ctx.app.inject({
    method: 'POST',
    url: `/api/v1/branches/${branchId}/invitations`,
    headers: headers as Record<string, string>,
    payload: { displayName: '刘新', role: 'member', status: 'probationary', ...body },
  });
const preview = (token: string) => ctx.app.inject({ method: 'GET', url: `/api/v1/invitations/${token}` });
const accept = (token: string, payload: object, headers: object = {}) =>
  ctx.app.inject({
    method: 'POST',
    url: `/api/v1/invitations/${token}/accept`,
    payload,
    headers: headers as Record<string, string>,
  });

describe('invitation flow', () => {
  it('secretary invites, the invitee previews, accepts with a new account, signs in and sees the branch', async () => {
    const created = await invite(branchA, secretaryA.user.headers, {
      username: 'liuxin',
      employer: '美团',
      industry: '互联网',
      region: '北京',
    });
    expect(created.statusCode).toBe(201);
    const { token, path, invitation } = created.json();
    expect(path).toBe(`/invite/${token}`);
    expect(invitation.state).toBe('pending');

    const seen = await preview(token);
    expect(seen.statusCode).toBe(200);
    expect(seen.json()).toMatchObject({
      branchId: branchA,
      inviterName: '王书记',
      displayName: '刘新',
      username: 'liuxin',
      expired: false,
      state: 'pending',
    });

    const accepted = await accept(token, { password: 'new-member-pass-1' });
    expect(accepted.statusCode).toBe(201);
    expect(accepted.json()).toMatchObject({ createdAccount: true, branch: { id: branchA } });
    expect(accepted.json().membership).toMatchObject({
      status: 'probationary',
      role: 'member',
      employer: '美团',
      displayName: '刘新',
    });

    const session = await login(ctx.app, 'liuxin', 'new-member-pass-1');
    const mine = await ctx.app.inject({
      method: 'GET',
      url: '/api/v1/me/memberships',
      headers: bearer(session.accessToken),
    });
    expect(mine.json().items.map((m: { branchId: string }) => m.branchId)).toEqual([branchA]);
    const branch = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/branches/${branchA}`,
      headers: bearer(session.accessToken),
    });
    expect(branch.statusCode).toBe(200);

    // Single use: the link is spent.
    const again = await accept(token, { username: 'someone-else', password: 'another-pass-1' });
    expect(again.statusCode).toBe(410);
    expect(again.json().code).toBe('INVITATION_INVALID');
    expect((await preview(token)).json().state).toBe('accepted');

    const list = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/branches/${branchA}/invitations?state=accepted`,
      headers: secretaryA.user.headers,
    });
    expect(list.json().items).toEqual([
      expect.objectContaining({ id: invitation.id, state: 'accepted', acceptedBy: session.user.id }),
    ]);
  });

  it('stores only a hash of the token', async () => {
    const { token, invitation } = (await invite(branchA, secretaryA.user.headers)).json();
    const stored = await ctx.app.ctx.db
      .collection('invitations')
      .findOne({ tokenHash: createHash('sha256').update(token).digest('hex') });
    expect(stored?._id.toHexString()).toBe(invitation.id);
    expect(JSON.stringify(stored)).not.toContain(token);
  });

  it('attaches a signed-in existing user instead of creating an account', async () => {
    const existing = await f.buildUser({ displayName: '陈已有' });
    const { token } = (
      await invite(branchA, secretaryA.user.headers, { username: existing.username })
    ).json();
    const res = await accept(token, {}, existing.headers);
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ createdAccount: false, userId: existing.id });
    expect(res.json().membership.userId).toBe(existing.id);
  });

  it('turns a signed-in resident who accepts into a regular member account', async () => {
    const resident = await f.buildUser({ role: 'resident' });
    const { token } = (await invite(branchA, secretaryA.user.headers)).json();
    expect((await accept(token, {}, resident.headers)).statusCode).toBe(201);
    const me = await ctx.app.inject({ method: 'GET', url: '/api/v1/me', headers: resident.headers });
    expect(me.json().role).toBe('user');
    const members = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/branches/${branchA}/members`,
      headers: resident.headers,
    });
    expect(members.statusCode).toBe(200);
  });

  it('expires after INVITATION_TTL_HOURS (checked against the injected clock)', async () => {
    const { token } = (await invite(branchA, secretaryA.user.headers)).json();
    const cadmin = await f.buildCommitteeAdmin(secretaryA.committeeId);
    const start = clock;
    clock = new Date(clock.getTime() + 71 * 3_600_000);
    expect((await preview(token)).json().expired).toBe(false);
    clock = new Date(clock.getTime() + 2 * 3_600_000);
    const seen = (await preview(token)).json();
    expect(seen).toMatchObject({ expired: true, state: 'expired' });
    const res = await accept(token, { username: 'too-late', password: 'too-late-pass-1' });
    expect(res.statusCode).toBe(410);
    clock = start; // back to when the access tokens were signed
    const list = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/branches/${branchA}/invitations?state=expired`,
      headers: cadmin.headers,
    });
    expect(list.json().items).toEqual([]);
    clock = new Date(start.getTime() + 73 * 3_600_000);
    const { token: fresh } = (
      await invite(branchA, (await f.buildCommitteeAdmin(secretaryA.committeeId)).headers)
    ).json();
    const later = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/branches/${branchA}/invitations?state=expired`,
      headers: (await f.buildCommitteeAdmin(secretaryA.committeeId)).headers,
    });
    expect(later.json().items.length).toBeGreaterThanOrEqual(1);
    expect(later.json().items.every((i: { state: string }) => i.state === 'expired')).toBe(true);
    expect((await preview(fresh)).json().state).toBe('pending');
    clock = start;
  });

  it('lets exactly one of several concurrent accepts win, and the losers create no account', async () => {
    const { token } = (await invite(branchA, secretaryA.user.headers)).json();
    const names = ['racer_a', 'racer_b', 'racer_c', 'racer_d'];
    const results = await Promise.all(
      names.map((username) => accept(token, { username, password: 'racer-pass-123' })),
    );
    const codes = results.map((r) => r.statusCode).sort();
    expect(codes).toEqual([201, 410, 410, 410]);
    const created = await ctx.app.ctx.db
      .collection('users')
      .find({ username: { $in: names } })
      .toArray();
    expect(created).toHaveLength(1);
  });

  it('releases an invitation whose accept died before creating the account', async () => {
    const { token, invitation } = (await invite(branchA, secretaryA.user.headers)).json();
    // The state a crash between "claim the invitation" and "create the account" leaves behind.
    const claim = { _id: new ObjectId(invitation.id), branchId: new ObjectId(branchA), userId: null };
    const acceptances = ctx.app.ctx.db.collection('invitation_acceptances');
    await acceptances.insertOne({ ...claim, at: clock });
    expect((await accept(token, { username: 'crash_fresh', password: 'crash-pass-123' })).statusCode).toBe(
      410,
    );
    await acceptances.updateOne(
      { _id: claim._id },
      { $set: { at: new Date(clock.getTime() - 10 * 60_000) } },
    );
    const res = await accept(token, { username: 'crash_stale', password: 'crash-pass-123' });
    expect(res.statusCode).toBe(201);
    expect(res.json().createdAccount).toBe(true);
  });

  it('revokes a pending invitation; a revoked link cannot be accepted', async () => {
    const { token, invitation } = (await invite(branchA, secretaryA.user.headers)).json();
    const revoked = await ctx.app.inject({
      method: 'DELETE',
      url: `/api/v1/branches/${branchA}/invitations/${invitation.id}`,
      headers: secretaryA.user.headers,
    });
    expect(revoked.json().state).toBe('revoked');
    expect((await accept(token, { username: 'revoked1', password: 'revoked-pass-1' })).statusCode).toBe(410);
  });
});

describe('who may invite', () => {
  it('refuses a secretary inviting into another branch, and a plain member inviting at all', async () => {
    expect((await invite(branchB, secretaryA.user.headers)).statusCode).toBe(403);
    const member = await f.buildMember({ branchId: branchA });
    expect((await invite(branchA, member.user.headers)).statusCode).toBe(403);
    const listB = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/branches/${branchB}/invitations`,
      headers: secretaryA.user.headers,
    });
    expect(listB.statusCode).toBe(403);
    expect((await invite(branchA, {})).statusCode).toBe(401);
  });

  it('lets the admin and the committee admin invite', async () => {
    const admin = await login(ctx.app, ADMIN.username, ADMIN.password);
    expect((await invite(branchB, bearer(admin.accessToken))).statusCode).toBe(201);
    const cadmin = await f.buildCommitteeAdmin(secretaryA.committeeId);
    expect((await invite(branchB, cadmin.headers)).statusCode).toBe(201);
  });

  it('refuses to invite someone who is already a member', async () => {
    const member = await f.buildMember({ branchId: branchA });
    const res = await invite(branchA, secretaryA.user.headers, { username: member.user.username });
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('ALREADY_MEMBER');
  });
});

describe('validation', () => {
  it('requires username and password for an anonymous accept, and checks the token shape', async () => {
    const { token } = (await invite(branchA, secretaryA.user.headers)).json();
    const noPassword = await accept(token, { username: 'nopass' });
    expect(noPassword.statusCode).toBe(400);
    expect(noPassword.json().details[0].field).toBe('body.password');
    const noUsername = await accept(token, { password: 'some-pass-123' });
    expect(noUsername.json().details[0].field).toBe('body.username');
    const shortPassword = await accept(token, { username: 'shorty', password: 'x' });
    expect(shortPassword.json().details[0].field).toBe('body.password');
    expect((await preview('bad token!')).statusCode).toBe(400);
    const unknown = await preview('a'.repeat(43));
    expect(unknown.statusCode).toBe(410);
    const badInvite = await invite(branchA, secretaryA.user.headers, { mobile: '123', extra: true });
    expect(badInvite.statusCode).toBe(400);
  });
});

describe('accepting inside the app (invitee with an account)', () => {
  const myInvitations = (headers: object) =>
    ctx.app.inject({
      method: 'GET',
      url: '/api/v1/me/invitations',
      headers: headers as Record<string, string>,
    });
  const acceptMine = (id: string, headers: object) =>
    ctx.app.inject({
      method: 'POST',
      url: `/api/v1/me/invitations/${id}/accept`,
      headers: headers as Record<string, string>,
    });

  it('lists the pending invitation, accepts it by id, and answers 409 to a second accept', async () => {
    const invitee = await f.buildUser({ displayName: '赵已注册' });
    const { invitation } = (
      await invite(branchA, secretaryA.user.headers, { username: invitee.username, role: 'member' })
    ).json();
    const branch = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/branches/${branchA}`,
      headers: secretaryA.user.headers,
    });
    const listed = await myInvitations(invitee.headers);
    expect(listed.statusCode).toBe(200);
    expect(listed.json().items).toEqual([
      expect.objectContaining({
        id: invitation.id,
        branchId: branchA,
        branchName: branch.json().name,
        inviterName: '王书记',
        status: 'probationary',
      }),
    ]);

    const accepted = await acceptMine(invitation.id, invitee.headers);
    expect(accepted.statusCode).toBe(201);
    expect(accepted.json()).toMatchObject({
      createdAccount: false,
      userId: invitee.id,
      branch: { id: branchA },
    });
    expect(accepted.json().membership).toMatchObject({ userId: invitee.id, status: 'probationary' });
    const memberships = await ctx.app.inject({
      method: 'GET',
      url: '/api/v1/me/memberships',
      headers: invitee.headers,
    });
    expect(memberships.json().items.map((m: { branchId: string }) => m.branchId)).toEqual([branchA]);
    expect((await myInvitations(invitee.headers)).json().items).toEqual([]);

    const again = await acceptMine(invitation.id, invitee.headers);
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('INVITATION_ALREADY_ACCEPTED');
  });

  it('finds an invitation addressed by mobile number', async () => {
    const invitee = await f.buildUser({ mobile: '13912345678' });
    const { invitation } = (await invite(branchA, secretaryA.user.headers, { mobile: '13912345678' })).json();
    expect((await myInvitations(invitee.headers)).json().items.map((i: { id: string }) => i.id)).toEqual([
      invitation.id,
    ]);
    expect((await acceptMine(invitation.id, invitee.headers)).statusCode).toBe(201);
  });

  it('refuses someone else’s invitation with 403 and does not list it to them', async () => {
    const invitee = await f.buildUser();
    const other = await f.buildUser();
    const { invitation } = (
      await invite(branchA, secretaryA.user.headers, { username: invitee.username })
    ).json();
    expect((await myInvitations(other.headers)).json().items).toEqual([]);
    const res = await acceptMine(invitation.id, other.headers);
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('FORBIDDEN');
    // Still open for the person it is addressed to.
    expect((await acceptMine(invitation.id, invitee.headers)).statusCode).toBe(201);
  });

  it('does not match an account registered after the invitation under the invited username', async () => {
    const { invitation } = (
      await invite(branchA, secretaryA.user.headers, { username: 'later_comer' })
    ).json();
    const squatter = await f.buildUser({ username: 'later_comer' });
    expect((await myInvitations(squatter.headers)).json().items).toEqual([]);
    expect((await acceptMine(invitation.id, squatter.headers)).statusCode).toBe(403);
  });

  it('answers 410 for a revoked invitation, 404 for an unknown one, 400 for a malformed id, 401 signed out', async () => {
    const invitee = await f.buildUser();
    const { invitation } = (
      await invite(branchA, secretaryA.user.headers, { username: invitee.username })
    ).json();
    await ctx.app.inject({
      method: 'DELETE',
      url: `/api/v1/branches/${branchA}/invitations/${invitation.id}`,
      headers: secretaryA.user.headers,
    });
    expect((await myInvitations(invitee.headers)).json().items).toEqual([]);
    const revoked = await acceptMine(invitation.id, invitee.headers);
    expect(revoked.statusCode).toBe(410);
    expect(revoked.json().code).toBe('INVITATION_INVALID');
    expect((await acceptMine('0'.repeat(24), invitee.headers)).statusCode).toBe(404);
    expect((await acceptMine('not-an-id', invitee.headers)).statusCode).toBe(400);
    expect((await acceptMine(invitation.id, {})).statusCode).toBe(401);
    expect((await myInvitations({})).statusCode).toBe(401);
  });

  it('joins once when the invitee accepts twice at the same time (a double click, two tabs)', async () => {
    const invitee = await f.buildUser();
    const { invitation } = (
      await invite(branchA, secretaryA.user.headers, { username: invitee.username })
    ).json();
    const results = await Promise.all([
      acceptMine(invitation.id, invitee.headers),
      acceptMine(invitation.id, invitee.headers),
    ]);
    const codes = results.map((r) => r.statusCode);
    expect(codes).toContain(201);
    // The loser either sees the accept that won (409) or finishes the same membership (201).
    for (const r of results) {
      expect([201, 409]).toContain(r.statusCode);
      if (r.statusCode === 409) expect(r.json().code).toBe('INVITATION_ALREADY_ACCEPTED');
    }
    const rows = await ctx.app.ctx.db
      .collection('memberships')
      .find({ branchId: new ObjectId(branchA), userId: new ObjectId(invitee.id), active: true })
      .toArray();
    expect(rows).toHaveLength(1);
  });
});
