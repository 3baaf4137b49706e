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
import { replies, routeOptions } from '../../http/route-options.js';
import type { App } from '../../http/types.js';
import { channelsDomainFor } from './service.js';

/** REST side of the channels domain. Messages are sent over Socket.IO; history, search and files are here. */
export async function channelsRoutes(app: App, { ctx, authenticate, queues }: RouteDeps): Promise<void> {
  const d = channelsDomainFor(ctx);
  d.useQueues(queues);
  const me = (request: Parameters<typeof actorOf>[0]) => actorOf(request).userId;
  const route = routeOptions(authenticate, ['channels']);

  app.get('/api/v1/channels', route({ response: replies({ 200: ChannelList }) }), async (r) => ({
    items: await d.channels.list(me(r)),
  }));

  app.post(
    '/api/v1/channels',
    route({ body: CreateChannelBody, response: replies({ 201: ChannelSummary }) }),
    async (r, reply) => reply.status(201).send(await d.channels.create(me(r), r.body)),
  );

  app.post(
    '/api/v1/channels/dm',
    route({ body: OpenDmBody, response: replies({ 200: ChannelSummary }) }),
    (r) => d.channels.openDm(me(r), r.body.userId),
  );

  app.get(
    '/api/v1/channels/:channelId',
    route({ params: ChannelIdParams, response: replies({ 200: ChannelSummary }) }),
    (r) => d.channels.get(me(r), r.params.channelId),
  );

  app.patch(
    '/api/v1/channels/:channelId',
    route({ params: ChannelIdParams, body: UpdateChannelBody, response: replies({ 200: ChannelSummary }) }),
    (r) => d.channels.update(me(r), r.params.channelId, r.body),
  );

  app.get(
    '/api/v1/channels/:channelId/members',
    route({ params: ChannelIdParams, querystring: PageQuery, response: replies({ 200: ChannelMemberPage }) }),
    (r) => d.channels.members(me(r), r.params.channelId, r.query.limit, r.query.cursor),
  );

  app.post(
    '/api/v1/channels/:channelId/members',
    route({ params: ChannelIdParams, body: ChannelMembersBody, response: replies({ 200: Ok }) }),
    async (r) => {
      await d.channels.addPeople(me(r), r.params.channelId, r.body.userIds);
      return { ok: true as const };
    },
  );

  app.delete(
    '/api/v1/channels/:channelId/members/:userId',
    route({
      params: Type.Object({ channelId: Id, userId: Id }, { additionalProperties: false }),
      response: replies({ 200: Ok }),
    }),
    async (r) => {
      await d.channels.removePerson(me(r), r.params.channelId, r.params.userId);
      return { ok: true as const };
    },
  );

  app.get(
    '/api/v1/channels/:channelId/messages',
    route({ params: ChannelIdParams, querystring: HistoryQuery, response: replies({ 200: HistoryPage }) }),
    (r) => d.messages.history(me(r), r.params.channelId, r.query),
  );

  app.get(
    '/api/v1/channels/:channelId/pins',
    route({ params: ChannelIdParams, response: replies({ 200: PinList }) }),
    async (r) => ({ items: await d.pins.list(me(r), r.params.channelId) }),
  );

  app.post(
    '/api/v1/channels/:channelId/mutes',
    route({
      params: ChannelIdParams,
      body: MuteBody,
      response: replies({ 200: Type.Object({ until: Type.String() }) }),
    }),
    (r) => d.moderation.mute(me(r), r.params.channelId, r.body.userId, r.body.minutes),
  );

  app.get(
    '/api/v1/messages/:messageId/thread',
    route({ params: MessageIdParams, querystring: ThreadQuery, response: replies({ 200: ThreadView }) }),
    (r) => d.threads.view(me(r), r.params.messageId, r.query),
  );

  app.put(
    '/api/v1/messages/:messageId/follow',
    route({ params: MessageIdParams, body: FollowBody, response: replies({ 200: FollowBody }) }),
    (r) => d.threads.follow(me(r), r.params.messageId, r.body.following),
  );

  app.get(
    '/api/v1/messages/:messageId/edits',
    route({ params: MessageIdParams, response: replies({ 200: MessageEdits }) }),
    async (r) => ({ items: await d.messages.edits(me(r), r.params.messageId) }),
  );

  app.post(
    '/api/v1/messages/:messageId/reports',
    route({ params: MessageIdParams, body: ReportBody, response: replies({ 200: Ok }) }),
    async (r) => {
      await d.moderation.report(me(r), r.params.messageId, r.body.reason);
      return { ok: true as const };
    },
  );

  app.post(
    '/api/v1/messages/:messageId/hide',
    route({ params: MessageIdParams, response: replies({ 200: Ok }) }),
    async (r) => {
      await d.moderation.hide(me(r), r.params.messageId);
      return { ok: true as const };
    },
  );

  app.get(
    '/api/v1/moderation/reports',
    route({ querystring: ReportsQuery, response: replies({ 200: ReportPage }) }),
    (r) => d.moderation.reports(me(r), r.query),
  );

  app.post(
    '/api/v1/moderation/reports/:messageId/resolve',
    route({ params: MessageIdParams, body: ResolveReportBody, response: replies({ 200: Ok }) }),
    async (r) => {
      await d.moderation.resolve(me(r), r.params.messageId, r.body.action);
      return { ok: true as const };
    },
  );

  app.get(
    '/api/v1/search/messages',
    route({ querystring: SearchQuery, response: replies({ 200: SearchPage }) }),
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
      ...route({
        params: ChannelIdParams,
        querystring: Type.Object(
          { name: Type.String({ minLength: 1, maxLength: 200 }) },
          { additionalProperties: false },
        ),
        response: replies({ 201: Attachment, 413: ErrorBody, 415: ErrorBody }),
      }),
      bodyLimit: ChannelLimits.attachmentMaxBytes + 1,
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
    route({
      params: Type.Object({ id: Id }, { additionalProperties: false }),
      querystring: Type.Object({ thumb: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
    }),
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
