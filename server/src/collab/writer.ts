import type { ObjectId } from 'mongodb';
import type { AppContext } from '../context.js';
import type { UpdateStore } from './store.js';

interface Pending {
  docId: ObjectId;
  updates: Uint8Array[];
}

/**
 * The write-behind buffer of one process: every document update is stored within `flushMs` of arriving.
 * All documents with pending updates are written together, one record per document (its updates as they
 * arrived) in one insertMany, so a busy process makes a few large writes instead of many small ones. Writes are
 * serialized: there is never more than one write of a document in flight. A failed write keeps the updates
 * and retries; nothing acknowledged to a client is dropped.
 */
export function createWriter(
  ctx: AppContext,
  store: UpdateStore,
  flushMs: number,
  onWritten: (docIds: string[]) => void,
) {
  const pending = new Map<string, Pending>();
  let timer: NodeJS.Timeout | null = null;
  let chain: Promise<void> = Promise.resolve();

  async function writeAll(): Promise<void> {
    while (pending.size > 0) {
      const batch = [...pending.entries()];
      pending.clear();
      const records = batch.map(([, p]) => ({ docId: p.docId, parts: p.updates }));
      try {
        await store.appendMany(records);
        onWritten(batch.map(([id]) => id));
      } catch (error) {
        for (const [id, p] of batch) {
          const later = pending.get(id);
          pending.set(id, { docId: p.docId, updates: [...p.updates, ...(later?.updates ?? [])] });
        }
        ctx.log.error({ err: error, documents: batch.length }, 'collab: storing updates failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  }

  function flush(): Promise<void> {
    if (timer) {
      clearTimeout(timer);
      timer = null;
    }
    chain = chain.then(writeAll);
    return chain;
  }

  return {
    add(docId: ObjectId, update: Uint8Array): void {
      const id = docId.toHexString();
      const entry = pending.get(id);
      if (entry) entry.updates.push(update);
      else pending.set(id, { docId, updates: [update] });
      timer ??= setTimeout(() => {
        timer = null;
        void flush();
      }, flushMs);
    },
    /** Resolves when everything buffered so far is stored. */
    flush,
    hasPending: (docId: ObjectId) => pending.has(docId.toHexString()),
  };
}

export type Writer = ReturnType<typeof createWriter>;
