import type { ChannelMemberPage, ChannelSummary, CreateChannelBody, UpdateChannelBody } from '@zhibu/shared';
import { ObjectId } from 'mongodb';
import type { AppContext } from '../../context.js';
import { isDuplicateKey } from '../../db/mongo.js';
import { AppError } from '../../http/app-error.js';
import { orgCollections } from '../org/docs.js';
import { canLeadBranch, isResident } from '../permissions/index.js';
import { type AccessCache, readableFilter, rightsFor } from './access.js';
import { byIds } from './by-ids.js';
import { type Counters, seqKey } from './counters.js';
import type { Broadcaster, EventLog } from './events.js';
import { idForKey } from './ids.js';
import type { ChannelDoc, Collections } from './model.js';
import { toChannel } from './present.js';
import { effectiveReadSeq } from './read-state.js';

export function createChannelsService(
  ctx: AppContext,
  cols: Collections,
  access: AccessCache,
  counters: Counters,
  events: EventLog,
  broadcaster: () => Broadcaster,
) {
  const org = orgCollections(ctx.db);
  const users = ctx.db.collection<{ _id: ObjectId; displayName: string; disabled?: boolean }>('users');

  const maxSeq = (channelId: ObjectId) => async () =>
    (
      await cols.messages.findOne(
        { channelId, seq: { $gte: 1 } },
        { sort: { seq: -1 }, projection: { seq: 1 } },
      )
    )?.seq ?? 0;

  async function insertIgnoringDuplicate(doc: ChannelDoc): Promise<void> {
    try {
      await cols.channels.insertOne(doc);
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
  }

  const base = (over: Partial<ChannelDoc> & Pick<ChannelDoc, '_id' | 'kind' | 'name'>): ChannelDoc => ({
    topic: '',
    archived: false,
    slowModeSeconds: 0,
    mentionAll: 'leaders',
    branchId: null,
    committeeId: null,
    groupId: null,
    branchIds: [],
    createdBy: null,
    createdAt: ctx.now(),
    ...over,
  });

  /** The branch channel and the branch's announcement channel (党建专栏); idempotent from any process. */
  async function ensureBranchChannels(branchId: ObjectId): Promise<void> {
    const ids = [
      idForKey(`branch:${branchId.toHexString()}`),
      idForKey(`announcement:${branchId.toHexString()}`),
    ];
    if ((await cols.channels.countDocuments({ _id: { $in: ids } })) === ids.length) return;
    const branch = await org.branches.findOne({ _id: branchId });
    if (!branch) return;
    const common = { branchId, committeeId: branch.committeeId, branchIds: [branchId] };
    await insertIgnoringDuplicate(base({ _id: ids[0]!, kind: 'branch', name: branch.name, ...common }));
    await insertIgnoringDuplicate(
      base({ _id: ids[1]!, kind: 'announcement', name: `${branch.name} · 党建专栏`, ...common }),
    );
  }

  async function ensureGroupChannel(groupId: ObjectId): Promise<void> {
    const _id = idForKey(`group:${groupId.toHexString()}`);
    if ((await cols.channels.countDocuments({ _id })) > 0) return;
    const group = await org.groups.findOne({ _id: groupId });
    if (!group) return;
    await insertIgnoringDuplicate(
      base({
        _id,
        kind: 'group',
        name: group.name,
        branchId: group.branchId,
        committeeId: group.committeeId,
        groupId,
        branchIds: [group.branchId],
      }),
    );
  }

  /** Channels are created with their branch/group (org events) and, in case an event was missed, lazily. */
  async function ensureFor(userId: string): Promise<void> {
    const { scope } = await access.user(userId);
    for (const m of scope.memberships) {
      await ensureBranchChannels(new ObjectId(m.branchId));
      if (m.groupId) await ensureGroupChannel(new ObjectId(m.groupId));
    }
  }

  async function addMembers(channelId: ObjectId, userIds: ObjectId[], by: ObjectId | null): Promise<void> {
    if (userIds.length === 0) return;
    const docs = userIds.map((userId) => ({
      _id: `${channelId.toHexString()}:${userId.toHexString()}`,
      channelId,
      userId,
      addedBy: by,
      at: ctx.now(),
    }));
    try {
      await cols.members.insertMany(docs, { ordered: false });
    } catch (error) {
      if (!isDuplicateKey(error) && !(error instanceof Error && error.message.includes('E11000')))
        throw error;
    }
    const ids = userIds.map((u) => u.toHexString());
    broadcaster().invalidate({ userIds: ids });
    for (const id of ids) {
      access.forgetUser(id);
      broadcaster().joinChannels(id, [channelId.toHexString()]);
      broadcaster().toUser(id, 'channels:changed', { added: [channelId.toHexString()], removed: [] });
    }
  }

  async function existingUsers(ids: string[]): Promise<ObjectId[]> {
    const oids = ids.map((i) => new ObjectId(i));
    const found = await byIds(users, oids, { projection: { _id: 1, disabled: 1 } });
    return found.filter((u) => u.disabled !== true).map((u) => u._id);
  }

  /** Everyone who may read the channel (for @all, notifications and the member list). */
  async function audience(channel: ChannelDoc): Promise<ObjectId[]> {
    const ids = new Map<string, ObjectId>();
    const add = (list: ObjectId[]) => {
      for (const id of list) ids.set(id.toHexString(), id);
    };
    if (channel.kind === 'branch' || channel.kind === 'announcement') {
      add(await org.memberships.distinct('userId', { branchId: channel.branchId!, active: true }));
    } else if (channel.kind === 'group') {
      add(await org.memberships.distinct('userId', { groupId: channel.groupId!, active: true }));
    } else if (channel.kind === 'topic') {
      add(await org.memberships.distinct('userId', { branchId: { $in: channel.branchIds }, active: true }));
    }
    if (channel.kind === 'topic' || channel.kind === 'dm' || channel.kind === 'groupDm') {
      add(await cols.members.distinct('userId', { channelId: channel._id }));
    }
    return [...ids.values()];
  }

  async function summaries(userId: string, docs: ChannelDoc[]): Promise<ChannelSummary[]> {
    if (docs.length === 0) return [];
    const me = new ObjectId(userId);
    const { access: userAccess } = { access: await access.user(userId) };
    const ids = docs.map((d) => d._id);
    const [lastSeqs, lastEvents, reads, dmMembers] = await Promise.all([
      Promise.all(docs.map((d) => counters.current(seqKey(d._id), maxSeq(d._id)))),
      Promise.all(docs.map((d) => events.last(d._id))),
      cols.reads.find({ userId: me, channelId: { $in: ids } }).toArray(),
      cols.members
        .find({
          channelId: { $in: docs.filter((d) => d.kind === 'dm' || d.kind === 'groupDm').map((d) => d._id) },
        })
        .toArray(),
    ]);
    const readMap = new Map(reads.map((r) => [r.channelId.toHexString(), r.readSeq]));
    const people = dmMembers.length
      ? await byIds(
          users,
          dmMembers.map((m) => m.userId),
          { projection: { displayName: 1 } },
        )
      : [];
    const nameOf = new Map(people.map((p) => [p._id.toHexString(), p.displayName]));
    const titleOf = (doc: ChannelDoc) => {
      if (doc.kind !== 'dm' && (doc.kind !== 'groupDm' || doc.name)) return doc.name;
      const others = dmMembers
        .filter((m) => m.channelId.equals(doc._id) && m.userId.toHexString() !== userId)
        .map((m) => nameOf.get(m.userId.toHexString()) ?? '');
      return others.join('、') || doc.name;
    };
    return Promise.all(
      docs.map(async (doc, i) => {
        const id = doc._id.toHexString();
        const lastSeq = lastSeqs[i]!;
        const readSeq = await effectiveReadSeq(cols, doc._id, userId, readMap.get(id) ?? 0, lastSeq);
        const unread = Math.max(0, lastSeq - readSeq);
        const mentions =
          unread === 0
            ? 0
            : (
                await cols.mentions.distinct('seq', {
                  channelId: doc._id,
                  userId: { $in: [userId, '*'] },
                  seq: { $gt: readSeq },
                })
              ).length;
        const rights = rightsFor(userAccess, doc);
        return {
          ...toChannel(doc),
          lastSeq,
          readSeq,
          unread,
          mentions,
          lastEventSeq: lastEvents[i]!,
          canPost: rights.post && !doc.archived,
          canModerate: rights.moderate,
          memberIds: dmMembers.filter((m) => m.channelId.equals(doc._id)).map((m) => m.userId.toHexString()),
          title: titleOf(doc),
        };
      }),
    );
  }

  return {
    ensureBranchChannels,
    ensureGroupChannel,
    audience,
    maxSeq,
    summaries,

    /** Ids of every channel the user may read right now. */
    async readableIds(userId: string): Promise<ObjectId[]> {
      const userAccess = await access.user(userId);
      const docs = await cols.channels.find(readableFilter(userAccess), { projection: { _id: 1 } }).toArray();
      return docs.map((d) => d._id);
    },

    async list(userId: string): Promise<ChannelSummary[]> {
      await ensureFor(userId);
      const userAccess = await access.user(userId);
      const docs = await cols.channels
        .find(readableFilter(userAccess), { sort: { createdAt: 1 }, limit: 1000 })
        .toArray();
      return summaries(
        userId,
        docs.filter((d) => rightsFor(userAccess, d).read),
      );
    },

    async get(userId: string, channelId: string): Promise<ChannelSummary> {
      const { channel } = await access.rights(userId, channelId);
      const [summary] = await summaries(userId, [channel]);
      return summary!;
    },

    async create(userId: string, body: CreateChannelBody): Promise<ChannelSummary> {
      const { scope } = await access.user(userId);
      const me = new ObjectId(userId);
      const branchIds = (body.branchIds ?? []).map((b) => new ObjectId(b));
      const branches = branchIds.length ? await org.branches.find({ _id: { $in: branchIds } }).toArray() : [];
      if (branches.length !== branchIds.length) throw new AppError('NOT_FOUND', 'No such branch');
      const invited = await existingUsers(body.memberIds ?? []);
      if (invited.length !== (body.memberIds ?? []).length) throw new AppError('NOT_FOUND', 'No such user');
      let doc: ChannelDoc;
      if (body.kind === 'announcement') {
        const branch = branches[0];
        if (!branch || branches.length !== 1)
          throw new AppError('VALIDATION_FAILED', 'An announcement channel needs one branch');
        if (
          !canLeadBranch(scope, {
            branchId: branch._id.toHexString(),
            committeeId: branch.committeeId.toHexString(),
          })
        )
          throw new AppError('FORBIDDEN');
        doc = base({
          _id: new ObjectId(),
          kind: 'announcement',
          name: body.name,
          topic: body.topic ?? '',
          branchId: branch._id,
          committeeId: branch.committeeId,
          branchIds: [branch._id],
          createdBy: me,
        });
      } else if (body.kind === 'topic') {
        if (isResident(scope)) throw new AppError('FORBIDDEN');
        // Topic channels join branches their creator leads (or is above); invited people come on top.
        for (const b of branches) {
          if (
            !canLeadBranch(scope, { branchId: b._id.toHexString(), committeeId: b.committeeId.toHexString() })
          )
            throw new AppError('FORBIDDEN', 'You may only add branches you lead');
        }
        doc = base({
          _id: new ObjectId(),
          kind: 'topic',
          name: body.name,
          topic: body.topic ?? '',
          branchIds,
          createdBy: me,
          mentionAll: 'leaders',
        });
      } else {
        if (branchIds.length > 0) throw new AppError('VALIDATION_FAILED', 'A group DM has no branches');
        if (invited.length === 0) throw new AppError('VALIDATION_FAILED', 'A group DM needs people');
        doc = base({
          _id: new ObjectId(),
          kind: 'groupDm',
          name: body.name,
          topic: body.topic ?? '',
          createdBy: me,
          mentionAll: 'members',
        });
      }
      await cols.channels.insertOne(doc);
      const people = body.kind === 'announcement' ? [] : [me, ...invited.filter((u) => !u.equals(me))];
      await addMembers(doc._id, people, me);
      return (await summaries(userId, [doc]))[0]!;
    },

    async openDm(userId: string, otherId: string): Promise<ChannelSummary> {
      if (otherId === userId) throw new AppError('VALIDATION_FAILED', 'A DM needs someone else');
      const [other] = await existingUsers([otherId]);
      if (!other) throw new AppError('NOT_FOUND', 'No such user');
      const pair = [userId, otherId].sort();
      const _id = idForKey(`dm:${pair[0]}:${pair[1]}`);
      await insertIgnoringDuplicate(base({ _id, kind: 'dm', name: '', mentionAll: 'nobody' }));
      await addMembers(_id, [new ObjectId(userId), other], new ObjectId(userId));
      const doc = await cols.channels.findOne({ _id });
      return (await summaries(userId, [doc!]))[0]!;
    },

    async update(userId: string, channelId: string, body: UpdateChannelBody): Promise<ChannelSummary> {
      const { channel, rights } = await access.rights(userId, channelId);
      if (!rights.moderate) throw new AppError('FORBIDDEN');
      if (channel.kind === 'dm') throw new AppError('INVALID_STATE', 'A DM has no settings');
      // Settings are written only by the channel's moderators, one field set at a time.
      await cols.channels.updateOne({ _id: channel._id }, { $set: body });
      access.forgetChannel(channelId);
      broadcaster().invalidate({ channelIds: [channelId] });
      const fresh = await cols.channels.findOne({ _id: channel._id });
      await events.append(channel._id, {
        type: 'channel.updated',
        actorId: new ObjectId(userId),
        at: ctx.now(),
        channel: toChannel(fresh!),
      });
      return (await summaries(userId, [fresh!]))[0]!;
    },

    async addPeople(userId: string, channelId: string, userIds: string[]): Promise<void> {
      const { channel, rights } = await access.rights(userId, channelId);
      if (!rights.moderate || (channel.kind !== 'topic' && channel.kind !== 'groupDm'))
        throw new AppError('FORBIDDEN');
      const people = await existingUsers(userIds);
      if (people.length !== userIds.length) throw new AppError('NOT_FOUND', 'No such user');
      await addMembers(channel._id, people, new ObjectId(userId));
    },

    async removePerson(userId: string, channelId: string, personId: string): Promise<void> {
      const { channel, rights } = await access.rights(userId, channelId);
      const self = personId === userId;
      if (!self && (!rights.moderate || channel.kind === 'dm')) throw new AppError('FORBIDDEN');
      await cols.members.deleteOne({ _id: `${channelId}:${personId}` });
      access.forgetUser(personId);
      broadcaster().invalidate({ userIds: [personId] });
      const still = rightsFor(await access.user(personId), channel).read;
      if (!still) {
        broadcaster().leaveChannels(personId, [channelId]);
        broadcaster().toUser(personId, 'channels:changed', { added: [], removed: [channelId] });
      }
    },

    async members(
      userId: string,
      channelId: string,
      limit: number,
      cursor?: string,
    ): Promise<ChannelMemberPage> {
      const { channel } = await access.rights(userId, channelId);
      const ids = (await audience(channel)).sort((a, b) => a.toHexString().localeCompare(b.toHexString()));
      const start = cursor ? ids.findIndex((i) => i.toHexString() > cursor) : 0;
      const slice = start < 0 ? [] : ids.slice(start, start + limit);
      const people = await byIds(users, slice, { projection: { displayName: 1 } });
      const names = new Map(people.map((u) => [u._id.toHexString(), u.displayName]));
      const items = slice.map((i) => ({
        id: i.toHexString(),
        displayName: names.get(i.toHexString()) ?? '',
      }));
      const last = slice[slice.length - 1];
      return {
        items,
        nextCursor: last && start + limit < ids.length ? last.toHexString() : null,
        total: ids.length,
      };
    },
  };
}
export type ChannelsService = ReturnType<typeof createChannelsService>;
