import type { GeoPolygon } from '@zhibu/shared';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../http/app-error.js';
import { checkPolygon, gridAtPoint } from './geo.js';

const square = (lng: number, lat: number, size: number): GeoPolygon => ({
  type: 'Polygon',
  coordinates: [
    [
      [lng, lat],
      [lng + size, lat],
      [lng + size, lat + size],
      [lng, lat + size],
      [lng, lat],
    ],
  ],
});

// An L-shaped grid: a point in the notch is outside although it is inside the bounding box.
const lShape: GeoPolygon = {
  type: 'Polygon',
  coordinates: [
    [
      [121.0, 31.0],
      [121.02, 31.0],
      [121.02, 31.01],
      [121.01, 31.01],
      [121.01, 31.02],
      [121.0, 31.02],
      [121.0, 31.0],
    ],
  ],
};

describe('gridAtPoint', () => {
  it('finds the polygon that contains the point, not one whose bounding box does', () => {
    const areas = [{ gridId: 'L', area: { polygon: lShape } }];
    expect(gridAtPoint({ lat: 31.005, lng: 121.015 }, areas)).toBe('L');
    expect(gridAtPoint({ lat: 31.015, lng: 121.005 }, areas)).toBe('L');
    expect(gridAtPoint({ lat: 31.015, lng: 121.015 }, areas)).toBeNull();
    expect(gridAtPoint({ lat: 30.99, lng: 121.005 }, areas)).toBeNull();
  });

  it('counts a point on the edge as inside', () => {
    const areas = [{ gridId: 'sq', area: { polygon: square(121, 31, 0.01) } }];
    expect(gridAtPoint({ lat: 31.005, lng: 121 }, areas)).toBe('sq');
  });

  it('leaves out the holes of a polygon', () => {
    const withHole: GeoPolygon = {
      type: 'Polygon',
      coordinates: [square(121, 31, 0.03).coordinates[0]!, square(121.01, 31.01, 0.01).coordinates[0]!],
    };
    const areas = [{ gridId: 'ring', area: { polygon: withHole } }];
    expect(gridAtPoint({ lat: 31.005, lng: 121.005 }, areas)).toBe('ring');
    expect(gridAtPoint({ lat: 31.015, lng: 121.015 }, areas)).toBeNull();
  });

  it('prefers the smallest of overlapping polygons, and a polygon over a circle', () => {
    const areas = [
      { gridId: 'circle', area: { lat: 31.015, lng: 121.015, radiusM: 5000 } },
      { gridId: 'big', area: { polygon: square(121, 31, 0.03) } },
      { gridId: 'small', area: { polygon: square(121.01, 31.01, 0.01) } },
    ];
    expect(gridAtPoint({ lat: 31.015, lng: 121.015 }, areas)).toBe('small');
    expect(gridAtPoint({ lat: 31.025, lng: 121.025 }, areas)).toBe('big');
    // Outside both polygons but within the circle's radius.
    expect(gridAtPoint({ lat: 31.04, lng: 121.015 }, areas)).toBe('circle');
  });

  it('keeps centre-and-radius grids working: the nearest centre within its radius', () => {
    const areas = [
      { gridId: 'a', area: { lat: 31.1, lng: 121.5, radiusM: 800 } },
      { gridId: 'b', area: { lat: 31.105, lng: 121.5, radiusM: 800 } },
    ];
    expect(gridAtPoint({ lat: 31.1, lng: 121.5 }, areas)).toBe('a');
    expect(gridAtPoint({ lat: 31.104, lng: 121.5 }, areas)).toBe('b');
    expect(gridAtPoint({ lat: 31.2, lng: 121.5 }, areas)).toBeNull();
    expect(gridAtPoint({ lat: 31.1, lng: 121.5 }, [])).toBeNull();
  });
});

describe('checkPolygon', () => {
  it('accepts a closed ring and refuses an open or flat one', () => {
    expect(() => checkPolygon(square(121, 31, 0.01))).not.toThrow();
    const open: GeoPolygon = {
      type: 'Polygon',
      coordinates: [
        [
          [121, 31],
          [121.01, 31],
          [121.01, 31.01],
          [121, 31.01],
        ],
      ],
    };
    expect(() => checkPolygon(open)).toThrow(AppError);
    const flat: GeoPolygon = {
      type: 'Polygon',
      coordinates: [
        [
          [121, 31],
          [121.01, 31],
          [121.02, 31],
          [121, 31],
        ],
      ],
    };
    expect(() => checkPolygon(flat)).toThrow(/enclose/);
  });
});
