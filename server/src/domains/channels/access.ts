import type { Filter } from 'mongodb';
import { ObjectId } from 'mongodb';
import type { AppContext } from '../../context.js';
import { AppError } from '../../http/app-error.js';
import { createReadCache } from '../../read-cache.js';
import {
  canAdminCommittee,
  canLeadBranch,
  isBranchMember,
  isGroupMember,
  loadScope,
  type Scope,
} from '../permissions/index.js';
import type { ChannelDoc, Collections } from './model.js';

export interface ChannelRights {
  read: boolean;
  post: boolean;
  /** Delete others' messages, hide, mute, review reports, change settings. */
  moderate: boolean;
  /** May use @all when the channel's policy is "leaders". */
  leader: boolean;
}

const NONE: ChannelRights = { read: false, post: false, moderate: false, leader: false };

export interface UserAccess {
  scope: Scope;
  /** Channels the user is an explicit member of (topic invites, DMs). */
  memberOf: Set<string>;
  /** Channel id → end of a mute of this user there (moderators' mutes drop the cached access). */
  mutedUntil: Map<string, Date>;
}

const hex = (id: ObjectId | null) => (id ? id.toHexString() : '');

/** The one rule table of channel access, derived from the org scope (permissions domain) and invites. */
export function rightsFor(access: UserAccess, channel: ChannelDoc): ChannelRights {
  const { scope } = access;
  if (scope.role === 'resident') {
    const member = access.memberOf.has(hex(channel._id));
    return member && (channel.kind === 'dm' || channel.kind === 'groupDm')
      ? { read: true, post: true, moderate: false, leader: false }
      : NONE;
  }
  const branchRef =
    channel.branchId && channel.committeeId
      ? { branchId: hex(channel.branchId), committeeId: hex(channel.committeeId) }
      : null;
  const above = channel.committeeId ? canAdminCommittee(scope, hex(channel.committeeId)) : scope.isAdmin;
  const leads = branchRef ? canLeadBranch(scope, branchRef) : above;
  switch (channel.kind) {
    case 'branch': {
      const member = branchRef ? isBranchMember(scope, branchRef.branchId) : false;
      return { read: member || above, post: member || leads, moderate: leads, leader: leads };
    }
    case 'announcement': {
      const member = branchRef ? isBranchMember(scope, branchRef.branchId) : false;
      return { read: member || above, post: leads, moderate: leads, leader: leads };
    }
    case 'group': {
      const member = channel.groupId ? isGroupMember(scope, hex(channel.groupId)) : false;
      return { read: member || leads, post: member || leads, moderate: leads, leader: leads };
    }
    case 'topic': {
      const invited = access.memberOf.has(hex(channel._id));
      const viaBranch = channel.branchIds.some((b) => isBranchMember(scope, hex(b)));
      const creator = channel.createdBy !== null && hex(channel.createdBy) === scope.userId;
      const read = invited || viaBranch || creator || scope.isAdmin;
      const moderate = creator || scope.isAdmin;
      return { read, post: invited || viaBranch || creator, moderate, leader: moderate };
    }
    case 'dm':
    case 'groupDm': {
      const member = access.memberOf.has(hex(channel._id));
      const creator =
        channel.kind === 'groupDm' && channel.createdBy !== null && hex(channel.createdBy) === scope.userId;
      return { read: member, post: member, moderate: member && creator, leader: member };
    }
  }
}

/** The filter of every channel a user may read (used to list channels and to bound search). */
export function readableFilter(access: UserAccess): Filter<ChannelDoc> {
  const { scope } = access;
  const members = [...access.memberOf].map((id) => new ObjectId(id));
  if (scope.role === 'resident') return { _id: { $in: members }, kind: { $in: ['dm', 'groupDm'] } };
  if (scope.isAdmin) return { $or: [{ kind: { $nin: ['dm', 'groupDm'] } }, { _id: { $in: members } }] };
  const branchIds = scope.memberships.map((m) => new ObjectId(m.branchId));
  const groupIds = scope.memberships.flatMap((m) => (m.groupId ? [new ObjectId(m.groupId)] : []));
  const leadBranches = scope.memberships
    .filter((m) => m.role !== 'member')
    .map((m) => new ObjectId(m.branchId));
  const committees = scope.adminOfCommittees.map((c) => new ObjectId(c));
  return {
    $or: [
      { kind: { $in: ['branch', 'announcement'] }, branchId: { $in: branchIds } },
      { kind: 'group', groupId: { $in: groupIds } },
      { kind: 'group', branchId: { $in: leadBranches } },
      { kind: 'topic', branchIds: { $in: branchIds } },
      { kind: 'topic', createdBy: new ObjectId(scope.userId) },
      { kind: { $in: ['branch', 'announcement', 'group'] }, committeeId: { $in: committees } },
      { _id: { $in: members } },
    ],
  };
}

/**
 * Per-process caches of who may do what. The time limits are safety nets only: an org event, a channel
 * change or a mute drops the entry at once on every process (they hear those through Redis pub/sub).
 */
export function createAccessCache(ctx: AppContext, cols: Collections) {
  const users = createReadCache<UserAccess>({
    max: 50_000,
    ttlMs: 5 * 60_000,
    load: async (userId) => {
      const [scope, memberships, mutes] = await Promise.all([
        loadScope(ctx, userId),
        cols.members.find({ userId: new ObjectId(userId) }, { projection: { channelId: 1 } }).toArray(),
        cols.mutes.find({ userId: new ObjectId(userId), until: { $gt: ctx.now() } }).toArray(),
      ]);
      return {
        scope,
        memberOf: new Set(memberships.map((m) => m.channelId.toHexString())),
        mutedUntil: new Map(mutes.map((m) => [m.channelId.toHexString(), m.until])),
      };
    },
  });
  // A channel that does not exist is remembered too: probing ids costs one read each per minute.
  const channels = createReadCache<ChannelDoc>({
    max: 50_000,
    ttlMs: 60_000,
    load: (channelId) => cols.channels.findOne({ _id: new ObjectId(channelId) }),
  });

  async function user(userId: string): Promise<UserAccess> {
    const access = await users.get(userId);
    if (!access) throw new Error(`the access of user ${userId} was not loaded`);
    return access;
  }

  async function channel(channelId: string): Promise<ChannelDoc | null> {
    return /^[0-9a-f]{24}$/.test(channelId) ? channels.get(channelId) : null;
  }

  return {
    user,
    channel,
    forgetUser: (userId: string) => users.forget(userId),
    forgetChannel: (channelId: string) => channels.forget(channelId),
    /** The channel and the user's rights in it; NOT_FOUND when it does not exist or may not be read. */
    async rights(
      userId: string,
      channelId: string,
    ): Promise<{ channel: ChannelDoc; rights: ChannelRights; access: UserAccess }> {
      const [doc, access] = await Promise.all([channel(channelId), user(userId)]);
      const rights = doc ? rightsFor(access, doc) : NONE;
      // Someone who may not read a channel learns nothing about it, not even that it exists.
      if (!doc || !rights.read) throw new AppError('NOT_FOUND', 'No such channel');
      return { channel: doc, rights, access };
    },
  };
}
export type AccessCache = ReturnType<typeof createAccessCache>;
