import { type Static, Type } from '@sinclair/typebox';
import { Email, Mobile, Password, User, Username } from './auth.js';
import { Page, Text } from './common.js';
import { AccountRole } from './roles.js';

/** The user directory: admins create accounts (department staff, lawyers, grid workers) and find people. */
export const UserListQuery = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
    q: Type.Optional(Text(40)),
    role: Type.Optional(AccountRole),
  },
  { additionalProperties: false },
);
export type UserListQuery = Static<typeof UserListQuery>;

export const UserPage = Page(User);
export type UserPage = Static<typeof UserPage>;

export const CreateUserBody = Type.Object(
  {
    username: Username,
    mobile: Type.Optional(Mobile),
    email: Type.Optional(Email),
    displayName: Text(40),
    password: Password,
    role: Type.Optional(AccountRole),
  },
  { additionalProperties: false },
);
export type CreateUserBody = Static<typeof CreateUserBody>;
