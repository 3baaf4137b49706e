import { Type } from '@sinclair/typebox';
import { ErrorBody, GridPhoto, GridPhotoLimits, IdParams } from '@zhibu/shared';
import type { FastifyReply } from 'fastify';
import type { RouteDeps } from '../../http/route-deps.js';
import type { App } from '../../http/types.js';
import { scopeOf } from '../permissions/index.js';
import type { PhotoFile } from './photos.js';
import type { GridService } from './service.js';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };
const tags = ['grid'];
const security = [{ bearer: [] }];

/**
 * Photo upload and download. Registered in its own plugin: the raw-body parser below applies to these
 * routes only, every other grid route keeps parsing JSON.
 */
export async function gridPhotoRoutes(app: App, { ctx, authenticate }: RouteDeps, grid: GridService) {
  app.addContentTypeParser(
    '*',
    { parseAs: 'buffer', bodyLimit: GridPhotoLimits.maxBytes + 1 },
    (_r, body, done) => done(null, body),
  );

  app.post(
    '/api/v1/grid/photos',
    {
      onRequest: authenticate,
      bodyLimit: GridPhotoLimits.maxBytes + 1,
      schema: {
        tags,
        security,
        description:
          'The body is the image itself (JPEG, PNG or WebP); its Content-Type is checked by decoding.',
        response: { 201: GridPhoto, ...errors, 413: ErrorBody, 415: ErrorBody },
      },
    },
    async (request, reply) => {
      const scope = await scopeOf(ctx, request);
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const type = request.headers['content-type'] ?? 'application/octet-stream';
      return reply.status(201).send(await grid.photos.upload(scope.userId, type, body));
    },
  );

  app.get(
    '/api/v1/grid/photos/:id',
    {
      onRequest: authenticate,
      schema: {
        tags,
        security,
        params: IdParams,
        querystring: PhotoQuery,
      },
    },
    async (request, reply) => {
      const scope = await scopeOf(ctx, request);
      const file = await grid.photos.open(scope, request.params.id, request.query.thumb === true);
      return sendPhoto(reply, request.params.id, file, 'private');
    },
  );
}

export const PhotoQuery = Type.Object(
  { thumb: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);

/** Sends a stored photo inline, as the image type its upload was decoded as. */
export function sendPhoto(
  reply: FastifyReply,
  id: string,
  { stream, mime }: PhotoFile,
  audience: 'private' | 'public',
) {
  return reply
    .header('content-type', mime)
    .header('x-content-type-options', 'nosniff')
    .header('cache-control', `${audience}, max-age=3600`)
    .header('content-disposition', `inline; filename="photo-${id}.${mime.slice(6)}"`)
    .send(stream);
}
