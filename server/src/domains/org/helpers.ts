import { type Db, ObjectId } from 'mongodb';
import { AppError } from '../../http/app-error.js';

/** A 400 naming one field, for rules a schema cannot express (a group of another branch…). */
export const fieldError = (field: string, reason: string) =>
  new AppError('VALIDATION_FAILED', `${field} ${reason}`, [{ field, reason }]);

/** Display names of users, for lists that show people. */
export async function displayNames(db: Db, ids: ObjectId[]): Promise<Map<string, string>> {
  const unique = [...new Map(ids.map((id) => [id.toHexString(), id])).values()];
  if (unique.length === 0) return new Map();
  const users = await db
    .collection<{ _id: ObjectId; displayName: string }>('users')
    .find({ _id: { $in: unique } }, { projection: { displayName: 1 } })
    .toArray();
  return new Map(users.map((u) => [u._id.toHexString(), u.displayName]));
}

/** Checks that a referenced user exists; `field` names the offending input. */
export async function requireUser(db: Db, id: string, field: string): Promise<ObjectId> {
  const _id = new ObjectId(id);
  const found = await db
    .collection('users')
    .findOne({ _id, disabled: { $ne: true } }, { projection: { _id: 1 } });
  if (!found) throw fieldError(field, 'is not a known user');
  return _id;
}

/**
 * Maps documents that reference one person each (a leader, a head) to their output with that person's
 * display name, looking all names up in one query (no lookup per row). No person, or a person who no
 * longer exists, gives `null`.
 */
export async function withPersonNames<D, T>(
  db: Db,
  docs: readonly D[],
  personOf: (doc: D) => ObjectId | null,
  to: (doc: D, name: string | null) => T,
): Promise<T[]> {
  const ids = docs.map(personOf).filter((id): id is ObjectId => id !== null);
  const names = await displayNames(db, ids);
  return docs.map((doc) => {
    const id = personOf(doc);
    return to(doc, id ? (names.get(id.toHexString()) ?? null) : null);
  });
}

export const nameOf = (names: Map<string, string>, id: ObjectId) => names.get(id.toHexString()) ?? '';
