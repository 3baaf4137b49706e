import { type Static, type TSchema, Type } from '@sinclair/typebox';

/** A MongoDB ObjectId as 24 hex characters. */
export const Id = Type.String({ pattern: '^[0-9a-f]{24}$', description: 'Object id' });
export type Id = Static<typeof Id>;

export const IdParams = Type.Object({ id: Id }, { additionalProperties: false });
export type IdParams = Static<typeof IdParams>;

/** ISO-8601 timestamp string in UTC; clients render it in the user's time zone. */
export const Timestamp = Type.String({ format: 'date-time' });

export const PageQuery = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
    cursor: Type.Optional(Type.String({ maxLength: 200, description: 'Opaque cursor from nextCursor' })),
  },
  { additionalProperties: false },
);
export type PageQuery = Static<typeof PageQuery>;

export const Page = <T extends TSchema>(item: T) =>
  Type.Object({
    items: Type.Array(item),
    nextCursor: Type.Union([Type.String(), Type.Null()]),
    total: Type.Optional(Type.Integer()),
  });
export interface PageOf<T> {
  items: T[];
  nextCursor: string | null;
  total?: number;
}

export const Ok = Type.Object({ ok: Type.Literal(true) });

/** Bounded text: trims nothing, forbids empty, caps length. */
export const Text = (maxLength: number, minLength = 1) => Type.String({ minLength, maxLength });

export const Locale = Type.Union([Type.Literal('zh-CN'), Type.Literal('en')]);
export type Locale = Static<typeof Locale>;

export const TimeZone = Type.String({ minLength: 1, maxLength: 64, default: 'Asia/Shanghai' });
