import type { DocumentVersion, DocumentVersionPage, VersionContent } from '@zhibu/shared';
import { Binary, ObjectId } from 'mongodb';
import * as Y from 'yjs';
import type { Collab } from '../../collab/server.js';
import type { AppContext } from '../../context.js';
import { AppError, forbidden, notFound } from '../../http/app-error.js';
import type { Scope } from '../permissions/index.js';
import { plainTextOfState, replaceContent } from './content.js';
import { readable } from './lookup.js';
import { binaryBytes, createDocumentsRepo, type DocumentDoc, type DocumentVersionDoc } from './repo.js';

const lastAutoBucket = new WeakMap<AppContext, Map<string, number>>();

function toVersion(v: DocumentVersionDoc): DocumentVersion {
  return {
    id: v._id,
    name: v.name,
    kind: v.kind,
    createdBy: v.createdBy ? v.createdBy.toHexString() : null,
    createdAt: v.createdAt.toISOString(),
    sizeBytes: v.sizeBytes,
  };
}

/**
 * At most one automatic version per document per period (COLLAB_AUTO_VERSION_MINUTES), whichever process
 * writes first: the `_id` is `auto:<docId>:<period>`, so a second insert changes nothing.
 */
export async function createAutoVersion(
  ctx: AppContext,
  docId: ObjectId,
  ydoc: Y.Doc,
  text: string,
): Promise<void> {
  const period = ctx.config.COLLAB_AUTO_VERSION_MINUTES * 60_000;
  const bucket = Math.floor(ctx.now().getTime() / period);
  let seen = lastAutoBucket.get(ctx);
  if (!seen) {
    seen = new Map();
    lastAutoBucket.set(ctx, seen);
  }
  const key = docId.toHexString();
  if (seen.get(key) === bucket) return;
  const state = Y.encodeStateAsUpdate(ydoc);
  await createDocumentsRepo(ctx.db).insertVersion({
    _id: `auto:${key}:${bucket}`,
    docId,
    name: 'auto',
    kind: 'auto',
    createdBy: null,
    createdAt: ctx.now(),
    state: new Binary(state),
    text,
    sizeBytes: state.length,
  });
  seen.set(key, bucket);
}

export async function createNamedVersion(
  ctx: AppContext,
  collab: Collab,
  doc: DocumentDoc,
  name: string,
  userId: string,
): Promise<DocumentVersion> {
  const state = await collab.state(doc._id.toHexString());
  const version: DocumentVersionDoc = {
    _id: new ObjectId().toHexString(),
    docId: doc._id,
    name,
    kind: 'named',
    createdBy: new ObjectId(userId),
    createdAt: ctx.now(),
    state: new Binary(state),
    text: plainTextOfState(state),
    sizeBytes: state.length,
  };
  await createDocumentsRepo(ctx.db).insertVersion(version);
  return toVersion(version);
}

export async function nameVersion(ctx: AppContext, collab: Collab, scope: Scope, id: string, name: string) {
  const { doc, access } = await readable(ctx, scope, id);
  if (access !== 'write') throw forbidden('Only editors name versions');
  return createNamedVersion(ctx, collab, doc, name, scope.userId);
}

export async function listVersions(
  ctx: AppContext,
  scope: Scope,
  id: string,
  limit: number,
  cursor: string | undefined,
): Promise<DocumentVersionPage> {
  const { doc } = await readable(ctx, scope, id);
  let before: Date | null = null;
  if (cursor) {
    before = new Date(cursor);
    if (Number.isNaN(before.getTime())) throw new AppError('VALIDATION_FAILED', 'bad cursor');
  }
  const found = await createDocumentsRepo(ctx.db).listVersions(doc._id, limit, before);
  const items = found.slice(0, limit);
  const last = items[items.length - 1];
  return {
    items: items.map(toVersion),
    nextCursor: found.length > limit && last ? last.createdAt.toISOString() : null,
  };
}

export async function getVersion(
  ctx: AppContext,
  scope: Scope,
  id: string,
  versionId: string,
): Promise<VersionContent> {
  const { doc } = await readable(ctx, scope, id);
  const version = await createDocumentsRepo(ctx.db).findVersion(doc._id, versionId);
  if (!version) throw notFound('No such version');
  return {
    ...toVersion(version),
    text: version.text,
    state: Buffer.from(binaryBytes(version.state)).toString('base64'),
  };
}

/**
 * Restores a version as a new forward edit on the live document: every connected client, on every
 * process, converges to the restored content, and the edits since remain in the history (the current
 * state is saved as a named version first).
 */
export async function restoreVersion(
  ctx: AppContext,
  collab: Collab,
  scope: Scope,
  id: string,
  versionId: string,
): Promise<DocumentVersion> {
  const { doc, access } = await readable(ctx, scope, id);
  if (access !== 'write') throw forbidden('This document is read-only for you');
  const version = await createDocumentsRepo(ctx.db).findVersion(doc._id, versionId);
  if (!version) throw notFound('No such version');
  const saved = await createNamedVersion(ctx, collab, doc, `before restoring ${version.name}`, scope.userId);
  const state = binaryBytes(version.state);
  await collab.edit(doc._id.toHexString(), doc.kind, (ydoc, origin) => replaceContent(ydoc, state, origin));
  return saved;
}
