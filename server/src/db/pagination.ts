import { ObjectId } from 'mongodb';
import { AppError } from '../http/app-error.js';

/**
 * Keyset pagination over `_id` (ObjectIds grow with time): the cursor is the last `_id` returned, so a page
 * is stable while documents are added, and no `skip` walks the collection.
 */
export function idCursorFilter(cursor: string | undefined): { _id?: { $gt: ObjectId } } {
  if (cursor === undefined) return {};
  if (!/^[0-9a-f]{24}$/.test(cursor)) {
    throw new AppError('VALIDATION_FAILED', 'query.cursor is not a valid cursor', [
      { field: 'query.cursor', reason: 'is not a valid cursor' },
    ]);
  }
  return { _id: { $gt: new ObjectId(cursor) } };
}

/** Given up to `limit + 1` documents, returns the page and the cursor of the next one (or null). */
export function pageOf<D extends { _id: ObjectId }, T>(
  docs: D[],
  limit: number,
  map: (doc: D) => T,
): { items: T[]; nextCursor: string | null } {
  const more = docs.length > limit;
  const page = more ? docs.slice(0, limit) : docs;
  const last = page.at(-1);
  return { items: page.map(map), nextCursor: more && last ? last._id.toHexString() : null };
}

/** A case-sensitive substring match, with the user's text escaped (FerretDB supports plain $regex). */
export const containsText = (text: string) => ({ $regex: text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') });

/** Parses a 24-hex id already validated by a schema; any other string is a 404, never a crash. */
export function oid(id: string): ObjectId {
  if (!/^[0-9a-f]{24}$/.test(id)) throw new AppError('NOT_FOUND');
  return new ObjectId(id);
}
