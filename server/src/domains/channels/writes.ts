import { createInsertBatcher } from '../../db/batch.js';
import { isDuplicateKey } from '../../db/mongo.js';
import type { Collections, MentionDoc, MessageDoc } from './model.js';

/** The unique index refused this one item of a batched insert (a taken slot or client id). */
export class DuplicateItem extends Error {
  readonly code = 11000;
  constructor() {
    super('E11000 duplicate key');
  }
}

/** A duplicate key, from a single write or from one item of a batched one. */
export const isDuplicate = (error: unknown): boolean =>
  error instanceof DuplicateItem || isDuplicateKey(error);

/**
 * Inserts per insertMany: one statement on FerretDB; small enough that a batch finishes quickly and that
 * an unordered insert's per-item errors stay cheap to sort out.
 */
const MAX_BATCH = 50;

/**
 * Group commit of the send path (FerretDB takes about 1 ms per single insert, far less per document of an
 * insertMany): the new messages of concurrent sends go out in one unordered insertMany, so each document
 * is still arbitrated alone by the unique indexes — a taken slot or client id fails that item only, with
 * DuplicateItem. A send is acknowledged only when the batch holding its message is stored. At most
 * `maxInFlight` writes per kind run at once, which also bounds what sending puts on the driver pool.
 */
export function createMessageWrites(cols: Collections, options: { maxInFlight?: number } = {}) {
  const maxInFlight = options.maxInFlight ?? 3;
  const messages = createInsertBatcher(
    cols.messages,
    { value: undefined, onDuplicate: () => ({ ok: false, error: new DuplicateItem() }) },
    { maxBatch: MAX_BATCH, maxInFlight },
  );
  // A mention's `_id` is "<messageId>:<userId>": a duplicate is the same mention written before.
  const mentions = createInsertBatcher(
    cols.mentions,
    { value: undefined, onDuplicate: () => ({ ok: true, value: undefined }) },
    { maxBatch: MAX_BATCH, maxInFlight: 1 },
  );
  return {
    /** Stores one new message; rejects with DuplicateItem when a unique index refuses it. */
    insertMessage: (doc: MessageDoc): Promise<void> => messages.add(doc),
    /** Stores the mentions of a message (already stored ones count as stored). */
    insertMentions: async (docs: MentionDoc[]): Promise<void> => {
      await Promise.all(docs.map((d) => mentions.add(d)));
    },
  };
}
export type MessageWrites = ReturnType<typeof createMessageWrites>;
