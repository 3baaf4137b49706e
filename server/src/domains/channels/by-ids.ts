import type { Collection, Document, Filter, FindOptions, ObjectId, WithId } from 'mongodb';

/**
 * Documents by `_id`, one indexed `findOne` per id (a few at a time). FerretDB pushes `_id` equality down
 * to its primary key but answers `_id: { $in: [...] }` by scanning the whole collection, which on a big
 * collection (users, messages) costs far more than many small lookups. Order follows `ids`; missing ones
 * are left out.
 */
export async function byIds<T extends Document & { _id: ObjectId }>(
  collection: Collection<T>,
  ids: readonly ObjectId[],
  options: FindOptions = {},
  parallel = 8,
): Promise<WithId<T>[]> {
  const unique = [...new Map(ids.map((id) => [id.toHexString(), id])).values()];
  const found: (WithId<T> | null)[] = new Array(unique.length).fill(null);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(parallel, unique.length) }, async () => {
      while (next < unique.length) {
        const i = next++;
        found[i] = await collection.findOne({ _id: unique[i] } as Filter<T>, options);
      }
    }),
  );
  return found.filter((d): d is WithId<T> => d !== null);
}
