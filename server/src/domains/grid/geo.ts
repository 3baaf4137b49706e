import { booleanPointInPolygon } from '@turf/boolean-point-in-polygon';
import type { GeoPolygon, GridArea } from '@zhibu/shared';
import { AppError } from '../../http/app-error.js';

/** Distance in metres between two points (haversine). */
export function distanceM(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLng = (b.lng - a.lng) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * 6_371_000 * Math.asin(Math.sqrt(h));
}

/** Area of a ring in square degrees (shoelace): only to compare polygons that overlap the same point. */
function ringArea(ring: readonly (readonly number[])[]): number {
  let sum = 0;
  for (let i = 0; i < ring.length - 1; i++) {
    const [x1, y1] = ring[i]!;
    const [x2, y2] = ring[i + 1]!;
    sum += x1! * y2! - x2! * y1!;
  }
  return Math.abs(sum) / 2;
}

/**
 * Checks what the schema cannot: every ring closed and not degenerate. Throws VALIDATION_FAILED naming the
 * ring, so the admin form can say which list of coordinates is wrong.
 */
export function checkPolygon(polygon: GeoPolygon): void {
  polygon.coordinates.forEach((ring, i) => {
    const first = ring[0]!;
    const last = ring.at(-1)!;
    const field = `body.polygon.coordinates.${i}`;
    if (first[0] !== last[0] || first[1] !== last[1]) {
      throw new AppError('VALIDATION_FAILED', 'A ring must end where it starts', [
        { field, reason: 'the last position must equal the first' },
      ]);
    }
    if (ringArea(ring) === 0) {
      throw new AppError('VALIDATION_FAILED', 'A ring must enclose an area', [
        { field, reason: 'the positions lie on one line' },
      ]);
    }
  });
}

export interface GridAreaEntry {
  gridId: string;
  area: GridArea;
}

/**
 * The grid of a point. A polygon that contains the point wins over any circle (it is the more exact
 * drawing); among overlapping polygons the smallest wins (a grid drawn inside a larger one), and among
 * circles the nearest centre within its radius. Points on a polygon's edge count as inside.
 */
export function gridAtPoint(
  point: { lat: number; lng: number },
  areas: readonly GridAreaEntry[],
): string | null {
  let polygonHit: { id: string; size: number } | null = null;
  let circleHit: { id: string; d: number } | null = null;
  for (const { gridId, area } of areas) {
    if ('polygon' in area) {
      if (!booleanPointInPolygon([point.lng, point.lat], area.polygon)) continue;
      const size = ringArea(area.polygon.coordinates[0]!);
      if (!polygonHit || size < polygonHit.size || (size === polygonHit.size && gridId < polygonHit.id)) {
        polygonHit = { id: gridId, size };
      }
    } else {
      const d = distanceM(point, area);
      if (d <= area.radiusM && (!circleHit || d < circleHit.d)) circleHit = { id: gridId, d };
    }
  }
  return polygonHit?.id ?? circleHit?.id ?? null;
}
