import type { GridAreaView } from '@zhibu/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../support/app.js';
import { type GridWorld, gridApi, gridWorld } from './grid.fixtures.js';

let ctx: Awaited<ReturnType<typeof startTestApp>>;
let w: GridWorld;
let api: ReturnType<typeof gridApi>;

beforeAll(async () => {
  ctx = await startTestApp('grid-areas');
  w = await gridWorld(ctx.app);
  api = gridApi(ctx.app);
});
afterAll(async () => {
  await ctx?.close();
});

// 幸福小区 as an L: the notch (north-east quarter) is not part of the grid.
const lShape = {
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

describe('grid areas as polygons', () => {
  it('admins set, read and clear a polygon; others may not; bad rings are refused', async () => {
    const path = `/api/v1/grid/grids/${w.grid1.id}/geo`;
    expect((await api.call('GET', path, w.admin)).json()).toEqual({ gridId: w.grid1.id, area: null });
    const set = await api.call('PUT', path, w.admin, { polygon: lShape });
    expect(set.statusCode, set.body).toBe(200);
    expect((await api.call('GET', path, w.admin)).json() as GridAreaView).toEqual({
      gridId: w.grid1.id,
      area: { polygon: lShape },
    });
    for (const who of [w.resident, w.gridWorker, w.safetyStaff]) {
      expect((await api.call('GET', path, who)).statusCode).toBe(403);
      expect((await api.call('PUT', path, who, { polygon: lShape })).statusCode).toBe(403);
    }
    const open = await api.call('PUT', path, w.admin, {
      polygon: { type: 'Polygon', coordinates: [lShape.coordinates[0]!.slice(0, -1)] },
    });
    expect([open.statusCode, open.json().code]).toEqual([400, 'VALIDATION_FAILED']);
    expect(open.json().details[0].field).toBe('body.polygon.coordinates.0');
    const tooShort = await api.call('PUT', path, w.admin, {
      polygon: {
        type: 'Polygon',
        coordinates: [
          [
            [121, 31],
            [121.1, 31],
            [121, 31],
          ],
        ],
      },
    });
    expect(tooShort.statusCode).toBe(400);
    const outOfRange = await api.call('PUT', path, w.admin, {
      polygon: {
        type: 'Polygon',
        coordinates: [
          [
            [200, 31],
            [121.1, 31],
            [121.1, 31.1],
            [200, 31],
          ],
        ],
      },
    });
    expect(outOfRange.statusCode).toBe(400);
    const noGrid = await api.call('PUT', '/api/v1/grid/grids/0123456789abcdef01234567/geo', w.admin, {
      polygon: lShape,
    });
    expect(noGrid.statusCode).toBe(404);
    // The stored polygon is unchanged by the refused writes.
    expect(((await api.call('GET', path, w.admin)).json() as GridAreaView).area).toEqual({ polygon: lShape });
  });

  it('derives a located report’s grid by point-in-polygon, before centre-and-radius grids', async () => {
    // grid2 is an older circle that overlaps the L.
    const circle = await api.call('PUT', `/api/v1/grid/grids/${w.grid2.id}/geo`, w.admin, {
      lat: 31.015,
      lng: 121.015,
      radiusM: 1500,
    });
    expect(circle.statusCode).toBe(200);
    const at = (lat: number, lng: number, title: string) =>
      api.report(w.resident, { category: 'opinion', title, location: { lat, lng } });
    expect((await at(31.005, 121.015, '建议增设座椅')).gridId).toBe(w.grid1.id);
    // In the notch: outside the L, inside the circle.
    expect((await at(31.015, 121.015, '建议增设路灯')).gridId).toBe(w.grid2.id);
    // Far from both.
    expect((await at(31.5, 121.5, '建议增设垃圾桶')).gridId).toBeNull();
    // A grid chosen by the reporter is kept.
    const chosen = await api.report(w.resident, {
      category: 'opinion',
      title: '建议修路',
      gridId: w.grid2.id,
      location: { lat: 31.005, lng: 121.015 },
    });
    expect(chosen.gridId).toBe(w.grid2.id);

    const cleared = await api.call('DELETE', `/api/v1/grid/grids/${w.grid1.id}/geo`, w.admin);
    expect(cleared.statusCode).toBe(200);
    expect((await at(31.005, 121.015, '建议增设花坛')).gridId).toBe(w.grid2.id);
  });
});
