import type { GeoPolygon, GridArea, GridAreaView } from '@zhibu/shared';
import { type Db, ObjectId } from 'mongodb';
import { AppError } from '../../http/app-error.js';
import { createReadCache } from '../../read-cache.js';
import { checkPolygon, type GridAreaEntry, gridAtPoint } from './geo.js';

/**
 * `_id` = grid id; either `rings` or `lat`/`lng`/`radiusM` (the older circles are kept as they are).
 * A polygon is stored as one `{ lng: [...], lat: [...] }` per ring: FerretDB 1.24 refuses nested arrays,
 * so GeoJSON's `[[[lng, lat], …]]` cannot be stored as it is.
 */
interface GridGeoDoc {
  _id: string;
  rings?: { lng: number[]; lat: number[] }[];
  lat?: number;
  lng?: number;
  radiusM?: number;
}

const toRings = (polygon: GeoPolygon) =>
  polygon.coordinates.map((ring) => ({ lng: ring.map((p) => p[0]), lat: ring.map((p) => p[1]) }));

const fromRings = (rings: NonNullable<GridGeoDoc['rings']>): GeoPolygon => ({
  type: 'Polygon',
  coordinates: rings.map((r) => r.lng.map((lng, i): [number, number] => [lng, r.lat[i]!])),
});

function toArea(d: GridGeoDoc): GridArea | null {
  if (d.rings) return { polygon: fromRings(d.rings) };
  if (d.lat !== undefined && d.lng !== undefined && d.radiusM !== undefined) {
    return { lat: d.lat, lng: d.lng, radiusM: d.radiusM };
  }
  return null;
}

/**
 * Every area, as reports with coordinates look them up, is read at most every AREAS_CACHE_MS per process:
 * a located report otherwise reads all polygons. An admin's edit applies to this process at once and to
 * the others within that time.
 */
const AREAS_CACHE_MS = 5000;

/** Grid areas, written only by admins (one document per grid, replaced whole). */
export function createGridAreas(db: Db) {
  const geo = db.collection<GridGeoDoc>('grid_geo');
  async function readAll(): Promise<GridAreaEntry[]> {
    const docs = await geo.find({}).limit(5000).toArray();
    return docs.flatMap((d) => {
      const area = toArea(d);
      return area ? [{ gridId: d._id, area }] : [];
    });
  }
  // One entry; a failed read is not kept (the next report reads again).
  const cache = createReadCache<GridAreaEntry[]>({ max: 1, ttlMs: AREAS_CACHE_MS, load: readAll });
  const invalidate = () => cache.clear();
  return {
    async get(gridId: string): Promise<GridAreaView> {
      const doc = await geo.findOne({ _id: gridId });
      return { gridId, area: doc ? toArea(doc) : null };
    },

    async set(gridId: string, area: GridArea): Promise<GridAreaView> {
      if ('polygon' in area) checkPolygon(area.polygon);
      const exists = await db.collection('grids').countDocuments({ _id: new ObjectId(gridId) }, { limit: 1 });
      if (exists === 0) throw new AppError('NOT_FOUND', 'No such grid');
      const doc = 'polygon' in area ? { rings: toRings(area.polygon) } : { ...area };
      await geo.replaceOne({ _id: gridId }, doc, { upsert: true });
      invalidate();
      return { gridId, area };
    },

    async clear(gridId: string): Promise<void> {
      await geo.deleteOne({ _id: gridId });
      invalidate();
    },

    all: readAll,

    /** The grid whose area holds the point, if any (see gridAtPoint). */
    async gridAt(point: { lat: number; lng: number }): Promise<string | null> {
      return gridAtPoint(point, (await cache.get('all')) ?? []);
    },
  };
}
export type GridAreas = ReturnType<typeof createGridAreas>;
