import { MyPositions } from '@zhibu/shared';
import type { RouteDeps } from '../../../http/route-deps.js';
import type { App } from '../../../http/types.js';
import type { OrgService } from '../service.js';
import { replies, routeOptions, scope } from './common.js';

/** What the signed-in user is in the organization (their own positions only; nobody else's). */
export async function meRoutes(app: App, { ctx, authenticate }: RouteDeps, org: OrgService) {
  const route = routeOptions(authenticate, ['org: members']);
  app.get(
    '/api/v1/me/positions',
    route({
      description:
        'The caller’s own positions: account role, committees they administer (with names), memberships, ' +
        'departments, lawyer, grids. For showing or hiding entries; every route still checks.',
      response: replies({ 200: MyPositions }),
    }),
    async (request): Promise<MyPositions> => {
      const s = await scope(ctx, request);
      return {
        userId: s.userId,
        role: s.role,
        isAdmin: s.isAdmin,
        adminOfCommittees: await org.tree.committeeRefs(s.adminOfCommittees),
        memberships: s.memberships,
        departmentIds: s.departmentIds,
        headOfDepartments: s.headOfDepartments,
        isLawyer: s.isLawyer,
        gridIds: s.gridIds,
        leaderOfGrids: s.leaderOfGrids,
      };
    },
  );
}
