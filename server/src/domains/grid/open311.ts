import { Type } from '@sinclair/typebox';
import { ErrorBody, GridCategories, type GridCategory, IdParams } from '@zhibu/shared';
import { type Filter, ObjectId } from 'mongodb';
import { AppError } from '../../http/app-error.js';
import type { App } from '../../http/types.js';
import type { IssueState } from './projection.js';
import type { GridIssueDoc } from './repo.js';
import { PhotoQuery, sendPhoto } from './routes-photos.js';
import type { GridService } from './service.js';

/*
 * Open311 GeoReport v2, read only (https://wiki.open311.org/GeoReport_v2): the service list and public
 * requests. Legal questions are private and never listed; reporters are never named.
 */

const SERVICE_NAMES: Record<GridCategory, string> = {
  hazard: '隐患 Hazard',
  dispute: '矛盾纠纷 Dispute',
  opinion: '社情民意 Public opinion',
  legalQuestion: '法律咨询 Legal question',
  other: '其他 Other',
};
const PUBLIC_SERVICES = GridCategories.filter((c) => c !== 'legalQuestion');

const Service = Type.Object({
  service_code: Type.String(),
  service_name: Type.String(),
  description: Type.String(),
  metadata: Type.Boolean(),
  type: Type.String(),
  keywords: Type.String(),
  group: Type.String(),
});
const ServiceRequest = Type.Object({
  service_request_id: Type.String(),
  status: Type.Union([Type.Literal('open'), Type.Literal('closed')]),
  status_notes: Type.Union([Type.String(), Type.Null()]),
  service_name: Type.String(),
  service_code: Type.String(),
  description: Type.String(),
  agency_responsible: Type.Union([Type.String(), Type.Null()]),
  requested_datetime: Type.String(),
  updated_datetime: Type.Union([Type.String(), Type.Null()]),
  expected_datetime: Type.Union([Type.String(), Type.Null()]),
  address: Type.String(),
  lat: Type.Union([Type.Number(), Type.Null()]),
  long: Type.Union([Type.Number(), Type.Null()]),
  media_url: Type.Union([Type.String(), Type.Null()]),
});
const RequestsQuery = Type.Object(
  {
    service_request_id: Type.Optional(Type.String({ maxLength: 2500 })),
    service_code: Type.Optional(Type.Union(PUBLIC_SERVICES.map((c) => Type.Literal(c)))),
    status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('closed')])),
    start_date: Type.Optional(Type.String({ format: 'date-time' })),
    end_date: Type.Optional(Type.String({ format: 'date-time' })),
    page_size: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
  },
  { additionalProperties: false },
);

/** `publicUrl`: where photos are served (null: photos are not public). */
function toRequest(s: IssueState, publicUrl: string | null) {
  return {
    service_request_id: s.id,
    status: s.status === 'closed' ? ('closed' as const) : ('open' as const),
    status_notes: s.outcome,
    service_name: SERVICE_NAMES[s.category],
    service_code: s.category,
    description: `${s.title}\n${s.description}`,
    agency_responsible: s.target?.departmentId ?? null,
    requested_datetime: s.reportedAt,
    updated_datetime: s.closedAt ?? s.resolvedAt ?? s.routedAt,
    expected_datetime: s.deadlines.resolutionDue,
    address: s.address,
    lat: s.location?.lat ?? null,
    long: s.location?.lng ?? null,
    // Uploaded photos only (older issues may hold free-text references), served without a sign-in below.
    media_url:
      publicUrl && s.photos[0] && /^[0-9a-f]{24}$/.test(s.photos[0])
        ? new URL(`/open311/v2/media/${s.photos[0]}`, publicUrl).href
        : null,
  };
}

export async function open311Routes(app: App, grid: GridService): Promise<void> {
  const tags = ['open311'];
  const { config } = grid.core.ctx;
  const publicUrl = config.OPEN311_PHOTOS === 'public' ? config.PUBLIC_URL : null;
  app.get('/open311/v2/services.json', { schema: { tags, response: { 200: Type.Array(Service) } } }, () =>
    PUBLIC_SERVICES.map((c) => ({
      service_code: c,
      service_name: SERVICE_NAMES[c],
      description: SERVICE_NAMES[c],
      metadata: false,
      type: 'realtime',
      keywords: c,
      group: 'grid',
    })),
  );

  app.get(
    '/open311/v2/requests.json',
    {
      schema: {
        tags,
        querystring: RequestsQuery,
        response: { 200: Type.Array(ServiceRequest), 400: ErrorBody },
      },
    },
    async (request) => {
      const q = request.query;
      const f: Filter<GridIssueDoc> = { category: { $in: [...PUBLIC_SERVICES] } };
      if (q.service_request_id) {
        const ids = q.service_request_id.split(',').filter((id) => /^[0-9a-f]{24}$/.test(id));
        f._id = { $in: ids.map((id) => new ObjectId(id)) };
      }
      if (q.service_code) f.category = q.service_code;
      if (q.status) f.open = q.status === 'open';
      const range: Record<string, Date> = {};
      if (q.start_date) range.$gte = new Date(q.start_date);
      if (q.end_date) range.$lt = new Date(q.end_date);
      if (q.start_date || q.end_date) f.reportedAt = range;
      const docs = await grid.core.repo.issues.find(f).sort({ _id: -1 }).limit(q.page_size).toArray();
      return docs.map((d) => toRequest(d.state, publicUrl));
    },
  );

  app.get(
    '/open311/v2/requests/:id.json',
    {
      schema: {
        tags,
        params: Type.Object({ id: Type.String({ pattern: '^[0-9a-f]{24}$' }) }),
        response: { 200: Type.Array(ServiceRequest), 404: ErrorBody },
      },
    },
    async (request) => {
      const doc = await grid.core.repo.issues.findOne({ _id: new ObjectId(request.params.id) });
      if (!doc || doc.category === 'legalQuestion') throw new AppError('NOT_FOUND', 'No such request');
      return [toRequest(doc.state, publicUrl)];
    },
  );
  // The photo a request's media_url names: public, like the request itself (photos of public issues only).
  if (!publicUrl) return;
  app.get(
    '/open311/v2/media/:id',
    {
      schema: {
        tags,
        params: IdParams,
        querystring: PhotoQuery,
        response: { 403: ErrorBody, 404: ErrorBody },
      },
    },
    async (request, reply) => {
      const file = await grid.photos.openPublic(request.params.id, request.query.thumb === true);
      return sendPhoto(reply, request.params.id, file, 'public');
    },
  );
}
