import type { GeoPolygon, GeoPosition, GridArea } from '@zhibu/shared';

/**
 * Polygon rings as text, the way admins copy them from a map tool: one "经度,纬度" (lng,lat) pair per line,
 * a blank line between rings (the outer boundary first, then any holes). A ring is closed for the server
 * when its last point differs from its first.
 */
export function formatRings(polygon: GeoPolygon): string {
  return polygon.coordinates
    .map((ring) => {
      const closed = ring.length > 1 && ring[0]![0] === ring.at(-1)![0] && ring[0]![1] === ring.at(-1)![1];
      return (closed ? ring.slice(0, -1) : ring).map(([lng, lat]) => `${lng},${lat}`).join('\n');
    })
    .join('\n\n');
}

export type ParseResult = { polygon: GeoPolygon } | { error: 'format' | 'range' | 'tooFew'; line: number };

export function parseRings(text: string): ParseResult {
  const rings: GeoPosition[][] = [];
  let ring: GeoPosition[] = [];
  const lines = text.split(/\r?\n/);
  const close = (line: number): ParseResult | null => {
    if (ring.length === 0) return null;
    if (ring.length < 3) return { error: 'tooFew', line };
    const [first] = ring;
    const last = ring.at(-1)!;
    rings.push(first![0] === last[0] && first![1] === last[1] ? ring : [...ring, first!]);
    ring = [];
    return null;
  };
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim();
    if (!line) {
      const problem = close(i);
      if (problem) return problem;
      continue;
    }
    const m = /^(-?\d+(?:\.\d+)?)\s*[,，\s]\s*(-?\d+(?:\.\d+)?)$/.exec(line);
    if (!m) return { error: 'format', line: i + 1 };
    const lng = Number(m[1]);
    const lat = Number(m[2]);
    if (Math.abs(lng) > 180 || Math.abs(lat) > 90) return { error: 'range', line: i + 1 };
    ring.push([lng, lat]);
  }
  const problem = close(lines.length);
  if (problem) return problem;
  if (rings.length === 0) return { error: 'tooFew', line: 1 };
  return { polygon: { type: 'Polygon', coordinates: rings } };
}

export const isPolygonArea = (a: GridArea): a is { polygon: GeoPolygon } => 'polygon' in a;
