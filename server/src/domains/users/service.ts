import type { CreateUserBody, PageOf, User, UserListQuery } from '@zhibu/shared';
import type { Filter } from 'mongodb';
import type { AppContext } from '../../context.js';
import { containsText, idCursorFilter, pageOf } from '../../db/pagination.js';
import { hashPassword } from '../auth/password.js';
import { createUsersRepo, toUser, type UserDoc } from './repo.js';

export type UsersService = ReturnType<typeof createUsersService>;

/** The user directory: find people to place in departments, grids and the lawyers pool; create accounts. */
export function createUsersService(ctx: AppContext) {
  const repo = createUsersRepo(ctx.db, ctx.now);
  return {
    async list(q: UserListQuery): Promise<PageOf<User>> {
      const filter: Filter<UserDoc> = { disabled: false };
      if (q.role) filter.role = q.role;
      if (q.q)
        filter.$or = [
          { displayName: containsText(q.q) },
          { username: containsText(q.q.toLowerCase()) },
          { mobile: containsText(q.q) },
        ];
      const docs = await repo.users
        .find({ $and: [filter, idCursorFilter(q.cursor)] })
        .sort({ _id: 1 })
        .limit(q.limit + 1)
        .toArray();
      return { ...pageOf(docs, q.limit, toUser), total: await repo.users.countDocuments(filter) };
    },

    async create(body: CreateUserBody): Promise<User> {
      const doc = await repo.create({
        username: body.username,
        mobile: body.mobile ?? null,
        email: body.email ?? null,
        displayName: body.displayName,
        passwordHash: await hashPassword(body.password),
        role: body.role ?? 'user',
      });
      return toUser(doc);
    },
  };
}
