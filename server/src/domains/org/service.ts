import type { AppContext } from '../../context.js';
import { createMembersService } from './members-service.js';
import { createPeopleService } from './people-service.js';
import { createTreeService } from './tree-service.js';

/** The org domain's services: the tree, memberships, and the people directories. */
export function createOrgService(ctx: AppContext) {
  return {
    tree: createTreeService(ctx),
    members: createMembersService(ctx),
    people: createPeopleService(ctx),
  };
}
export type OrgService = ReturnType<typeof createOrgService>;
