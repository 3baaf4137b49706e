import type { DocumentAccess, DocumentKind, DocumentStatus } from '@zhibu/shared';
import { ObjectId } from 'mongodb';
import type { AppContext } from '../../context.js';
import { loadScope, type Scope } from '../permissions/index.js';
import { accessFor } from './access.js';
import { createDocumentsRepo, type DocumentDoc } from './repo.js';

interface Entry<T> {
  at: number;
  value: Promise<T>;
}

const MAX_ENTRIES = 5_000;

/**
 * Access decisions for collaboration connects, with a short-lived cache: a class of 50 editors opening a
 * document at once costs one scope read per user instead of one per connection. Entries live `ttlMs` at
 * most and are dropped at once by `forgetUser` (org events reach every process) and `forgetDoc`
 * (lifecycle changes); a document's owner and kind never change, so its record is kept until evicted.
 */
export function createAccessResolver(ctx: AppContext, ttlMs = 5_000) {
  const repo = createDocumentsRepo(ctx.db);
  const scopes = new Map<string, Entry<Scope | null>>();
  const statuses = new Map<string, Entry<DocumentStatus | null>>();
  const docs = new Map<string, Entry<DocumentDoc | null>>();

  function cached<T>(
    map: Map<string, Entry<T>>,
    key: string,
    ttl: number,
    load: () => Promise<T>,
  ): Promise<T> {
    const now = Date.now();
    const hit = map.get(key);
    if (hit && now - hit.at < ttl) return hit.value;
    if (map.size >= MAX_ENTRIES) map.clear();
    const value = load();
    map.set(key, { at: now, value });
    // Failures are not remembered.
    value.catch(() => map.get(key)?.value === value && map.delete(key));
    return value;
  }

  return {
    /** The user's access to a document, or null when there is no such document of that kind. */
    async access(userId: string, docId: string, kind: DocumentKind): Promise<DocumentAccess | null> {
      if (!ObjectId.isValid(docId) || docId.length !== 24) return null;
      const [doc, scope, status] = await Promise.all([
        cached(docs, docId, Number.POSITIVE_INFINITY, () => repo.findById(docId)),
        cached(scopes, userId, ttlMs, () => loadScope(ctx, userId).catch(() => null)),
        cached(
          statuses,
          docId,
          ttlMs,
          async () => (await repo.latestEvent(new ObjectId(docId)))?.status ?? null,
        ),
      ]);
      if (!doc) {
        docs.delete(docId); // it may be created in a moment
        return null;
      }
      if (doc.kind !== kind) return null;
      if (!scope) return 'none';
      return accessFor(scope, doc, status ?? doc.status);
    },
    forgetUser(userId: string): void {
      scopes.delete(userId);
    },
    forgetDoc(docId: string): void {
      statuses.delete(docId);
    },
  };
}
