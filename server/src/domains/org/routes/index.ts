import type { RouteDeps } from '../../../http/route-deps.js';
import type { App } from '../../../http/types.js';
import { createOrgService } from '../service.js';
import { branchRoutes } from './branches.js';
import { committeeRoutes } from './committees.js';
import { departmentRoutes } from './departments.js';
import { gridRoutes } from './grids.js';
import { lawyerRoutes } from './lawyers.js';
import { meRoutes } from './me.js';
import { memberRoutes } from './members.js';

/** Every org REST route (committees, branches, groups, members, departments, lawyers, grids). */
export async function orgRoutes(app: App, deps: RouteDeps): Promise<void> {
  const org = createOrgService(deps.ctx);
  await committeeRoutes(app, deps, org);
  await branchRoutes(app, deps, org);
  await memberRoutes(app, deps, org);
  await departmentRoutes(app, deps, org);
  await lawyerRoutes(app, deps, org);
  await gridRoutes(app, deps, org);
  await meRoutes(app, deps, org);
}
