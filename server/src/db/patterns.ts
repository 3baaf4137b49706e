import type { Collection, Document, OptionalUnlessRequiredId } from 'mongodb';
import { isDuplicateKey } from './mongo.js';

/**
 * The storage patterns that keep Zhibu correct on FerretDB and MongoDB alike (README, "Storage rules").
 * tests/storage-contract runs each of them under races against whatever MONGODB_URL points at.
 */

/** Exactly-once effect: inserts a document with a deterministic `_id`; false when it already existed. */
export async function insertOnce<T extends Document>(
  collection: Collection<T>,
  doc: OptionalUnlessRequiredId<T>,
): Promise<boolean> {
  try {
    await collection.insertOne(doc);
    return true;
  } catch (error) {
    if (isDuplicateKey(error)) return false;
    throw error;
  }
}

export interface VersionedEvent {
  entityId: string;
  version: number;
}

/**
 * Appends to an append-only log with a unique (entityId, version) index. `decide` sees the events so far
 * and returns the next event (or throws to refuse); of two concurrent writers of version v+1 exactly one
 * wins, the other re-reads and decides again on fresh state.
 */
export async function appendEvent<E extends VersionedEvent>(
  log: Collection<E>,
  entityId: string,
  decide: (history: E[]) => Omit<E, 'entityId' | 'version'> | Promise<Omit<E, 'entityId' | 'version'>>,
  maxAttempts = 20,
): Promise<E> {
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    const history = (await (log as unknown as Collection<Document>)
      .find({ entityId }, { sort: { version: 1 } })
      .toArray()) as unknown as E[];
    const body = await decide(history);
    const event = { ...body, entityId, version: history.length + 1 } as E;
    try {
      await log.insertOne(event as OptionalUnlessRequiredId<E>);
      return event;
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      await new Promise((r) => setTimeout(r, Math.random() * 5 * (attempt + 1)));
    }
  }
  throw new Error(`appendEvent: too much contention on ${entityId}`);
}

// Atomic counters (a channel's message sequence) are `createCounters` in domains/channels/counters.ts.
