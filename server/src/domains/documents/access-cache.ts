import type { DocumentAccess, DocumentKind, DocumentStatus } from '@zhibu/shared';
import { ObjectId } from 'mongodb';
import type { AppContext } from '../../context.js';
import { AppError } from '../../http/app-error.js';
import { createReadCache } from '../../read-cache.js';
import { loadScope, type Scope } from '../permissions/index.js';
import { accessFor } from './access.js';
import { createDocumentsRepo, type DocumentDoc } from './repo.js';

const MAX_ENTRIES = 5_000;

/**
 * Access decisions for collaboration connects, with a short-lived cache: a class of 50 editors opening a
 * document at once costs one scope read per user instead of one per connection. Entries live `ttlMs` at
 * most and are dropped at once by `forgetUser` (org events reach every process) and `forgetDoc`
 * (lifecycle changes); a document's owner and kind never change, so its record is kept until evicted.
 */
export function createAccessResolver(ctx: AppContext, ttlMs = 5_000) {
  const repo = createDocumentsRepo(ctx.db);
  const scopes = createReadCache<Scope>({
    max: MAX_ENTRIES,
    ttlMs,
    // An unknown or disabled account has no access (remembered); a failed read is an error (not kept).
    load: (userId) =>
      loadScope(ctx, userId).catch((error: unknown) => {
        if (error instanceof AppError && error.code === 'UNAUTHENTICATED') return null;
        throw error;
      }),
  });
  const statuses = createReadCache<DocumentStatus>({
    max: MAX_ENTRIES,
    ttlMs,
    load: async (docId) => (await repo.latestEvent(new ObjectId(docId)))?.status ?? null,
  });
  const docs = createReadCache<DocumentDoc>({
    max: MAX_ENTRIES,
    ttlMs: 0,
    load: (docId) => repo.findById(docId),
  });

  return {
    /** The user's access to a document, or null when there is no such document of that kind. */
    async access(userId: string, docId: string, kind: DocumentKind): Promise<DocumentAccess | null> {
      if (!ObjectId.isValid(docId) || docId.length !== 24) return null;
      const [doc, scope, status] = await Promise.all([
        docs.get(docId),
        scopes.get(userId),
        statuses.get(docId),
      ]);
      if (!doc) {
        docs.forget(docId); // it may be created in a moment
        return null;
      }
      if (doc.kind !== kind) return null;
      if (!scope) return 'none';
      return accessFor(scope, doc, status ?? doc.status);
    },
    forgetUser(userId: string): void {
      scopes.forget(userId);
    },
    forgetDoc(docId: string): void {
      statuses.forget(docId);
    },
  };
}
