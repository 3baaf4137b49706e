import { type Collection, type Document, MongoBulkWriteError, type OptionalUnlessRequiredId } from 'mongodb';

/** The result of one item of a batch: its value, or the error that concerns that item alone. */
export type Outcome<R> = { ok: true; value: R } | { ok: false; error: unknown };

export interface Batcher<I, R> {
  /** Resolves (or rejects) when the batch holding `item` is stored: the caller's write is durable. */
  add(item: I): Promise<R>;
}

interface Waiting<I, R> {
  item: I;
  resolve: (value: R) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for a hot write path: items added while a write is in flight are written together by the
 * next one (one `insertMany`/`bulkWrite` instead of one round trip each). An idle batcher writes the next
 * item at once (after the current microtask, so that callers of the same tick share it); under load the
 * batches grow by themselves. At most `maxInFlight` writes run at the same time, which also bounds what one
 * process puts on the database. `run` returns one outcome per item, in order; if it throws, every item of
 * that batch is rejected with the error. Nothing is acknowledged before its write finished.
 */
export function createBatcher<I, R>(
  run: (items: I[]) => Promise<Outcome<R>[]>,
  options: { maxBatch?: number; maxInFlight?: number } = {},
): Batcher<I, R> {
  const maxBatch = options.maxBatch ?? 50;
  const maxInFlight = options.maxInFlight ?? 2;
  const queue: Waiting<I, R>[] = [];
  let inFlight = 0;
  let scheduled = false;

  async function write(batch: Waiting<I, R>[]): Promise<void> {
    try {
      const outcomes = await run(batch.map((w) => w.item));
      batch.forEach((w, i) => {
        const o = outcomes[i];
        if (!o) w.reject(new Error('batch write returned no outcome for an item'));
        else if (o.ok) w.resolve(o.value);
        else w.reject(o.error);
      });
    } catch (error) {
      for (const w of batch) w.reject(error);
    }
  }

  function pump(): void {
    scheduled = false;
    while (inFlight < maxInFlight && queue.length > 0) {
      const batch = queue.splice(0, maxBatch);
      inFlight++;
      // `write` settles every item itself and never rejects.
      void write(batch).then(() => {
        inFlight--;
        pump();
      });
    }
  }

  return {
    add(item) {
      return new Promise<R>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        if (!scheduled && inFlight < maxInFlight) {
          scheduled = true;
          queueMicrotask(pump);
        }
      });
    },
  };
}

/**
 * The error code of each failed item of an unordered insertMany/bulkWrite, by index (the items not listed
 * were written); null when the write failed as a whole (not a bulk write error, or a write concern error).
 */
export function writeErrorCodes(error: unknown): Map<number, number | undefined> | null {
  if (!(error instanceof MongoBulkWriteError) || error.writeConcernError) return null;
  const list = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
  return new Map(list.map((w) => [w.index, typeof w.code === 'number' ? w.code : undefined]));
}

/**
 * Group-committed inserts into one collection: the documents of concurrent `add`s go out in one unordered
 * insertMany, so each is still arbitrated alone by the unique indexes. A stored document resolves with
 * `value`; one the unique indexes refused gets `onDuplicate()`'s outcome; one that failed otherwise
 * rejects with that error; a write that failed as a whole rejects its whole batch.
 */
export function createInsertBatcher<T extends Document, R>(
  collection: Collection<T>,
  outcomes: { value: R; onDuplicate: () => Outcome<R> },
  options: { maxBatch?: number; maxInFlight?: number } = {},
): Batcher<OptionalUnlessRequiredId<T>, R> {
  return createBatcher(async (docs: OptionalUnlessRequiredId<T>[]): Promise<Outcome<R>[]> => {
    const stored = (): Outcome<R> => ({ ok: true, value: outcomes.value });
    try {
      await collection.insertMany(docs, { ordered: false });
      return docs.map(stored);
    } catch (error) {
      const failed = writeErrorCodes(error);
      if (!failed) throw error;
      return docs.map((_, i): Outcome<R> => {
        if (!failed.has(i)) return stored();
        return failed.get(i) === 11000 ? outcomes.onDuplicate() : { ok: false, error };
      });
    }
  }, options);
}
