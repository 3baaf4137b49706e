import { type Static, Type } from '@sinclair/typebox';
import { Id, Locale, Text, Timestamp, TimeZone } from './common.js';
import { AccountRole } from './roles.js';

export const Username = Type.String({ minLength: 3, maxLength: 32, pattern: '^[A-Za-z0-9_.-]+$' });
export const Mobile = Type.String({
  pattern: '^1[3-9][0-9]{9}$',
  description: 'Mainland China mobile number',
});
export const Password = Type.String({ minLength: 8, maxLength: 128 });
/** An e-mail address (for the daily digest); validated by ajv-formats' `email`. */
export const Email = Type.String({ format: 'email', maxLength: 254 });

export const User = Type.Object({
  id: Id,
  username: Type.Union([Type.String(), Type.Null()]),
  mobile: Type.Union([Type.String(), Type.Null()]),
  email: Type.Union([Type.String(), Type.Null()]),
  displayName: Type.String(),
  role: AccountRole,
  locale: Locale,
  timeZone: Type.String(),
  createdAt: Timestamp,
});
export type User = Static<typeof User>;

export const LoginBody = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 64, description: 'Username or mobile number' }),
    password: Type.String({ minLength: 1, maxLength: 128 }),
  },
  { additionalProperties: false },
);
export type LoginBody = Static<typeof LoginBody>;

export const TokenPair = Type.Object({
  accessToken: Type.String(),
  refreshToken: Type.String(),
  accessTokenExpiresAt: Timestamp,
});
export type TokenPair = Static<typeof TokenPair>;

export const LoginResponse = Type.Composite([TokenPair, Type.Object({ user: User })]);
export type LoginResponse = Static<typeof LoginResponse>;

export const RefreshBody = Type.Object(
  { refreshToken: Type.String({ minLength: 10, maxLength: 512 }) },
  { additionalProperties: false },
);
export type RefreshBody = Static<typeof RefreshBody>;

export const UpdateMeBody = Type.Object(
  {
    displayName: Type.Optional(Text(40)),
    locale: Type.Optional(Locale),
    timeZone: Type.Optional(TimeZone),
    /** null removes the address. */
    email: Type.Optional(Type.Union([Email, Type.Null()])),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateMeBody = Static<typeof UpdateMeBody>;

export const RegisterResidentBody = Type.Object(
  {
    username: Username,
    mobile: Type.Optional(Mobile),
    displayName: Text(40),
    password: Password,
  },
  { additionalProperties: false },
);
export type RegisterResidentBody = Static<typeof RegisterResidentBody>;

/** Claims inside an access token (JWT, HS256). */
export interface AccessClaims {
  sub: string;
  role: Static<typeof AccountRole>;
}
