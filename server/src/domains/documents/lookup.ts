import { type DocumentStatus, type DocumentSummary, formatDocName } from '@zhibu/shared';
import type { ObjectId } from 'mongodb';
import type { AppContext } from '../../context.js';
import { notFound } from '../../http/app-error.js';
import type { Scope } from '../permissions/index.js';
import { accessFor } from './access.js';
import { createDocumentsRepo, type DocumentDoc } from './repo.js';

const hex = (id: ObjectId) => id.toHexString();

export function toSummary(doc: DocumentDoc, status: DocumentStatus, updatedAt?: Date): DocumentSummary {
  return {
    id: hex(doc._id),
    kind: doc.kind,
    docName: formatDocName(doc.kind, hex(doc._id)),
    title: doc.title,
    branchId: hex(doc.branchId),
    groupId: doc.groupId ? hex(doc.groupId) : null,
    committeeId: hex(doc.committeeId),
    status,
    createdBy: hex(doc.createdBy),
    createdAt: doc.createdAt.toISOString(),
    updatedAt: (updatedAt ?? doc.createdAt).toISOString(),
    ref: doc.ref,
  };
}

/** The current status: the latest lifecycle event (the `status` field on the document is a cache). */
export async function statusOf(
  ctx: AppContext,
  doc: DocumentDoc,
): Promise<{ status: DocumentStatus; version: number }> {
  const latest = await createDocumentsRepo(ctx.db).latestEvent(doc._id);
  return latest ? { status: latest.status, version: latest.version } : { status: doc.status, version: 0 };
}

/** Loads a document the scope may read; 404 for documents it may not see (no existence leak). */
export async function readable(ctx: AppContext, scope: Scope, id: string) {
  const doc = await createDocumentsRepo(ctx.db).findById(id);
  if (!doc) throw notFound('No such document');
  const { status, version } = await statusOf(ctx, doc);
  const access = accessFor(scope, doc, status);
  if (access === 'none') throw notFound('No such document');
  return { doc, status, version, access };
}
