import { Type } from '@sinclair/typebox';
import {
  CreateDocumentBody,
  CreateVersionBody,
  DocumentEventList,
  DocumentListQuery,
  DocumentMeta,
  DocumentPage,
  DocumentSummary,
  DocumentVersion,
  DocumentVersionPage,
  ErrorBody,
  ExportQuery,
  IdParams,
  LifecycleBody,
  PageQuery,
  VersionContent,
  VersionParams,
} from '@zhibu/shared';
import * as Y from 'yjs';
import type { RouteDeps } from '../../http/route-deps.js';
import type { App } from '../../http/types.js';
import { scopeOf } from '../permissions/index.js';
import { readBlocks } from './content.js';
import { exportDocument } from './export.js';
import { readable } from './lookup.js';
import { changeLifecycle, createDocumentAs, getMeta, listDocuments, listEvents } from './service.js';
import { getVersion, listVersions, nameVersion, restoreVersion } from './versions.js';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };
const tags = ['documents'];
const security = [{ bearer: [] }];

/** Documents REST: create, list, metadata, lifecycle, versions, export. Content travels on /collab. */
export async function documentsRoutes(app: App, { ctx, authenticate }: RouteDeps): Promise<void> {
  const collab = app.collab;
  app.addHook('onRequest', authenticate);

  app.post(
    '/api/v1/documents',
    { schema: { tags, security, body: CreateDocumentBody, response: { 201: DocumentSummary, ...errors } } },
    async (request, reply) =>
      reply.status(201).send(await createDocumentAs(ctx, await scopeOf(ctx, request), request.body)),
  );

  app.get(
    '/api/v1/documents',
    {
      schema: { tags, security, querystring: DocumentListQuery, response: { 200: DocumentPage, ...errors } },
    },
    async (request) => listDocuments(ctx, await scopeOf(ctx, request), request.query),
  );

  app.get(
    '/api/v1/documents/:id',
    { schema: { tags, security, params: IdParams, response: { 200: DocumentMeta, ...errors } } },
    async (request) => getMeta(ctx, await scopeOf(ctx, request), request.params.id),
  );

  app.post(
    '/api/v1/documents/:id/lifecycle',
    {
      schema: {
        tags,
        security,
        params: IdParams,
        body: LifecycleBody,
        response: { 200: DocumentMeta, ...errors },
      },
    },
    async (request) =>
      changeLifecycle(
        ctx,
        collab,
        await scopeOf(ctx, request),
        request.params.id,
        request.body.action,
        request.body.reason,
      ),
  );

  app.get(
    '/api/v1/documents/:id/events',
    { schema: { tags, security, params: IdParams, response: { 200: DocumentEventList, ...errors } } },
    async (request) => ({ items: await listEvents(ctx, await scopeOf(ctx, request), request.params.id) }),
  );

  app.get(
    '/api/v1/documents/:id/versions',
    {
      schema: {
        tags,
        security,
        params: IdParams,
        querystring: PageQuery,
        response: { 200: DocumentVersionPage, ...errors },
      },
    },
    async (request) =>
      listVersions(
        ctx,
        await scopeOf(ctx, request),
        request.params.id,
        request.query.limit,
        request.query.cursor,
      ),
  );

  app.post(
    '/api/v1/documents/:id/versions',
    {
      schema: {
        tags,
        security,
        params: IdParams,
        body: CreateVersionBody,
        response: { 201: DocumentVersion, ...errors },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await nameVersion(ctx, collab, await scopeOf(ctx, request), request.params.id, request.body.name),
        ),
  );

  app.get(
    '/api/v1/documents/:id/versions/:versionId',
    { schema: { tags, security, params: VersionParams, response: { 200: VersionContent, ...errors } } },
    async (request) =>
      getVersion(ctx, await scopeOf(ctx, request), request.params.id, request.params.versionId),
  );

  app.post(
    '/api/v1/documents/:id/versions/:versionId/restore',
    { schema: { tags, security, params: VersionParams, response: { 200: DocumentVersion, ...errors } } },
    async (request) =>
      restoreVersion(ctx, collab, await scopeOf(ctx, request), request.params.id, request.params.versionId),
  );

  app.get(
    '/api/v1/documents/:id/export',
    {
      schema: {
        tags,
        security,
        params: IdParams,
        querystring: ExportQuery,
        response: { 200: Type.Any({ description: 'The file' }), ...errors, 503: ErrorBody },
      },
    },
    async (request, reply) => {
      const { doc } = await readable(ctx, await scopeOf(ctx, request), request.params.id);
      const ydoc = new Y.Doc();
      Y.applyUpdate(ydoc, await collab.state(doc._id.toHexString()));
      const blocks = readBlocks(ydoc);
      ydoc.destroy();
      const file = await exportDocument(
        request.query.format,
        doc.title,
        blocks,
        ctx.config.PDF_CJK_FONT_PATH,
      );
      const name = encodeURIComponent(`${doc.title}.${file.extension}`);
      return reply
        .header('content-type', file.contentType)
        .header(
          'content-disposition',
          `attachment; filename="document.${file.extension}"; filename*=UTF-8''${name}`,
        )
        .send(file.body);
    },
  );
}
