import { Type } from '@sinclair/typebox';
import {
  Attachment,
  ChannelIdParams,
  ChannelLimits,
  ChannelList,
  ChannelMemberPage,
  ChannelMembersBody,
  ChannelSummary,
  CreateChannelBody,
  ErrorBody,
  FollowBody,
  HistoryPage,
  HistoryQuery,
  Id,
  MessageEdits,
  MessageIdParams,
  MuteBody,
  Ok,
  OpenDmBody,
  PageQuery,
  PinList,
  ReportBody,
  ReportPage,
  ReportsQuery,
  ResolveReportBody,
  SearchPage,
  SearchQuery,
  ThreadQuery,
  ThreadView,
  UpdateChannelBody,
} from '@zhibu/shared';
import { actorOf } from '../../http/authenticate.js';
import type { RouteDeps } from '../../http/route-deps.js';
import type { App } from '../../http/types.js';
import { channelsDomainFor } from './service.js';

const errors = {
  400: ErrorBody,
  401: ErrorBody,
  403: ErrorBody,
  404: ErrorBody,
  409: ErrorBody,
  429: ErrorBody,
};
const tags = ['channels'];
const security = [{ bearer: [] }];

/** REST side of the channels domain. Messages are sent over Socket.IO; history, search and files are here. */
export async function channelsRoutes(app: App, { ctx, authenticate, queues }: RouteDeps): Promise<void> {
  const d = channelsDomainFor(ctx);
  d.useQueues(queues);
  const me = (request: Parameters<typeof actorOf>[0]) => actorOf(request).userId;
  const common = { onRequest: authenticate };

  app.get(
    '/api/v1/channels',
    { ...common, schema: { tags, security, response: { 200: ChannelList, ...errors } } },
    async (r) => ({
      items: await d.channels.list(me(r)),
    }),
  );

  app.post(
    '/api/v1/channels',
    {
      ...common,
      schema: { tags, security, body: CreateChannelBody, response: { 201: ChannelSummary, ...errors } },
    },
    async (r, reply) => reply.status(201).send(await d.channels.create(me(r), r.body)),
  );

  app.post(
    '/api/v1/channels/dm',
    { ...common, schema: { tags, security, body: OpenDmBody, response: { 200: ChannelSummary, ...errors } } },
    (r) => d.channels.openDm(me(r), r.body.userId),
  );

  app.get(
    '/api/v1/channels/:channelId',
    {
      ...common,
      schema: { tags, security, params: ChannelIdParams, response: { 200: ChannelSummary, ...errors } },
    },
    (r) => d.channels.get(me(r), r.params.channelId),
  );

  app.patch(
    '/api/v1/channels/:channelId',
    {
      ...common,
      schema: {
        tags,
        security,
        params: ChannelIdParams,
        body: UpdateChannelBody,
        response: { 200: ChannelSummary, ...errors },
      },
    },
    (r) => d.channels.update(me(r), r.params.channelId, r.body),
  );

  app.get(
    '/api/v1/channels/:channelId/members',
    {
      ...common,
      schema: {
        tags,
        security,
        params: ChannelIdParams,
        querystring: PageQuery,
        response: { 200: ChannelMemberPage, ...errors },
      },
    },
    (r) => d.channels.members(me(r), r.params.channelId, r.query.limit, r.query.cursor),
  );

  app.post(
    '/api/v1/channels/:channelId/members',
    {
      ...common,
      schema: {
        tags,
        security,
        params: ChannelIdParams,
        body: ChannelMembersBody,
        response: { 200: Ok, ...errors },
      },
    },
    async (r) => {
      await d.channels.addPeople(me(r), r.params.channelId, r.body.userIds);
      return { ok: true as const };
    },
  );

  app.delete(
    '/api/v1/channels/:channelId/members/:userId',
    {
      ...common,
      schema: {
        tags,
        security,
        params: Type.Object({ channelId: Id, userId: Id }, { additionalProperties: false }),
        response: { 200: Ok, ...errors },
      },
    },
    async (r) => {
      await d.channels.removePerson(me(r), r.params.channelId, r.params.userId);
      return { ok: true as const };
    },
  );

  app.get(
    '/api/v1/channels/:channelId/messages',
    {
      ...common,
      schema: {
        tags,
        security,
        params: ChannelIdParams,
        querystring: HistoryQuery,
        response: { 200: HistoryPage, ...errors },
      },
    },
    (r) => d.messages.history(me(r), r.params.channelId, r.query),
  );

  app.get(
    '/api/v1/channels/:channelId/pins',
    { ...common, schema: { tags, security, params: ChannelIdParams, response: { 200: PinList, ...errors } } },
    async (r) => ({ items: await d.pins.list(me(r), r.params.channelId) }),
  );

  app.post(
    '/api/v1/channels/:channelId/mutes',
    {
      ...common,
      schema: {
        tags,
        security,
        params: ChannelIdParams,
        body: MuteBody,
        response: { 200: Type.Object({ until: Type.String() }), ...errors },
      },
    },
    (r) => d.moderation.mute(me(r), r.params.channelId, r.body.userId, r.body.minutes),
  );

  app.get(
    '/api/v1/messages/:messageId/thread',
    {
      ...common,
      schema: {
        tags,
        security,
        params: MessageIdParams,
        querystring: ThreadQuery,
        response: { 200: ThreadView, ...errors },
      },
    },
    (r) => d.threads.view(me(r), r.params.messageId, r.query),
  );

  app.put(
    '/api/v1/messages/:messageId/follow',
    {
      ...common,
      schema: {
        tags,
        security,
        params: MessageIdParams,
        body: FollowBody,
        response: { 200: FollowBody, ...errors },
      },
    },
    (r) => d.threads.follow(me(r), r.params.messageId, r.body.following),
  );

  app.get(
    '/api/v1/messages/:messageId/edits',
    {
      ...common,
      schema: { tags, security, params: MessageIdParams, response: { 200: MessageEdits, ...errors } },
    },
    async (r) => ({ items: await d.messages.edits(me(r), r.params.messageId) }),
  );

  app.post(
    '/api/v1/messages/:messageId/reports',
    {
      ...common,
      schema: { tags, security, params: MessageIdParams, body: ReportBody, response: { 200: Ok, ...errors } },
    },
    async (r) => {
      await d.moderation.report(me(r), r.params.messageId, r.body.reason);
      return { ok: true as const };
    },
  );

  app.post(
    '/api/v1/messages/:messageId/hide',
    { ...common, schema: { tags, security, params: MessageIdParams, response: { 200: Ok, ...errors } } },
    async (r) => {
      await d.moderation.hide(me(r), r.params.messageId);
      return { ok: true as const };
    },
  );

  app.get(
    '/api/v1/moderation/reports',
    {
      ...common,
      schema: { tags, security, querystring: ReportsQuery, response: { 200: ReportPage, ...errors } },
    },
    (r) => d.moderation.reports(me(r), r.query),
  );

  app.post(
    '/api/v1/moderation/reports/:messageId/resolve',
    {
      ...common,
      schema: {
        tags,
        security,
        params: MessageIdParams,
        body: ResolveReportBody,
        response: { 200: Ok, ...errors },
      },
    },
    async (r) => {
      await d.moderation.resolve(me(r), r.params.messageId, r.body.action);
      return { ok: true as const };
    },
  );

  app.get(
    '/api/v1/search/messages',
    {
      ...common,
      schema: { tags, security, querystring: SearchQuery, response: { 200: SearchPage, ...errors } },
    },
    (r) => d.search.search(me(r), r.query),
  );

  // Files: the body is the file itself (any content type); its name comes in the query string.
  // Plain-text files too: in this module's scope text/plain is raw bytes, not a string.
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser(
    ['*', 'text/plain'],
    { parseAs: 'buffer', bodyLimit: ChannelLimits.attachmentMaxBytes + 1 },
    (_r, body, done) => done(null, body),
  );
  app.post(
    '/api/v1/channels/:channelId/attachments',
    {
      ...common,
      bodyLimit: ChannelLimits.attachmentMaxBytes + 1,
      schema: {
        tags,
        security,
        params: ChannelIdParams,
        querystring: Type.Object(
          { name: Type.String({ minLength: 1, maxLength: 200 }) },
          { additionalProperties: false },
        ),
        response: { 201: Attachment, ...errors, 413: ErrorBody, 415: ErrorBody },
      },
    },
    async (r, reply) => {
      const body = Buffer.isBuffer(r.body) ? r.body : Buffer.alloc(0);
      const mime = r.headers['content-type'] ?? 'application/octet-stream';
      return reply
        .status(201)
        .send(await d.attachments.upload(me(r), r.params.channelId, r.query.name, mime, body));
    },
  );

  app.get(
    '/api/v1/attachments/:id',
    {
      ...common,
      schema: {
        tags,
        security,
        params: Type.Object({ id: Id }, { additionalProperties: false }),
        querystring: Type.Object({ thumb: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
      },
    },
    async (r, reply) => {
      const { stream, doc, mime } = await d.attachments.open(me(r), r.params.id, r.query.thumb === true);
      const inline = mime.startsWith('image/') || mime === 'application/pdf';
      void reply
        .header('content-type', mime)
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', 'private, max-age=3600')
        .header(
          'content-disposition',
          `${inline ? 'inline' : 'attachment'}; filename*=UTF-8''${encodeURIComponent(doc.name)}`,
        );
      return reply.send(stream);
    },
  );
}
