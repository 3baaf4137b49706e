import {
  type CreateDocumentBody,
  DOC_META_MAP,
  type DocumentEvent,
  type DocumentKind,
  type DocumentListQuery,
  type DocumentMeta,
  type DocumentPage,
  type DocumentSummary,
  type LifecycleAction,
  LifecycleTransitions,
} from '@zhibu/shared';
import { type Filter, ObjectId } from 'mongodb';
import type * as Y from 'yjs';
import type { Collab } from '../../collab/server.js';
import { createUpdateStore } from '../../collab/store.js';
import type { AppContext } from '../../context.js';
import { AppError, forbidden, invalidState, notFound } from '../../http/app-error.js';
import { readableBranchFilter, type Scope } from '../permissions/index.js';
import { allowedActions, mayCreate } from './access.js';
import { minutesTemplate, plainText, readBlocks, reflectionTemplate, templateUpdate } from './content.js';
import { readable, toSummary } from './lookup.js';
import { createDocumentsRepo, type DocumentDoc, type DocumentEventDoc } from './repo.js';
import { createAutoVersion, createNamedVersion } from './versions.js';

export interface NewDocument {
  kind: DocumentKind;
  /** Minutes: the owning branch. */
  branchId?: string;
  /** Reflections: the owning party group (its branch is derived). */
  groupId?: string;
  title: string;
  ref?: { type: string; id: string } | null;
  createdBy: string;
}

const hex = (id: ObjectId) => id.toHexString();

const oid = (id: string, what: string) => {
  if (!/^[0-9a-f]{24}$/.test(id)) throw new AppError('VALIDATION_FAILED', `${what} is not an id`);
  return new ObjectId(id);
};

/** Resolves the owner of a new document from the org tree. */
async function ownerOf(ctx: AppContext, input: Pick<NewDocument, 'kind' | 'branchId' | 'groupId'>) {
  if (input.kind === 'minutes') {
    if (!input.branchId) throw new AppError('VALIDATION_FAILED', 'minutes need a branchId');
    const branch = await ctx.db
      .collection<{ _id: ObjectId; committeeId: ObjectId }>('branches')
      .findOne({ _id: oid(input.branchId, 'branchId') });
    if (!branch) throw notFound('No such branch');
    return { branchId: branch._id, committeeId: branch.committeeId, groupId: null };
  }
  if (!input.groupId) throw new AppError('VALIDATION_FAILED', 'reflections need a groupId');
  const group = await ctx.db
    .collection<{ _id: ObjectId; branchId: ObjectId; committeeId: ObjectId }>('groups')
    .findOne({ _id: oid(input.groupId, 'groupId') });
  if (!group) throw notFound('No such group');
  return { branchId: group.branchId, committeeId: group.committeeId, groupId: group._id };
}

/**
 * Creates a document with its initial content (the minutes template), for any feature that needs one
 * (sessions create minutes, study creates reflections). The caller has authorized the creator.
 */
export async function createDocument(ctx: AppContext, input: NewDocument): Promise<DocumentSummary> {
  const repo = createDocumentsRepo(ctx.db);
  const owner = await ownerOf(ctx, input);
  const now = ctx.now();
  const doc: DocumentDoc = {
    _id: new ObjectId(),
    kind: input.kind,
    title: input.title,
    ...owner,
    status: 'draft',
    createdBy: oid(input.createdBy, 'createdBy'),
    createdAt: now,
    ref: input.ref ?? null,
  };
  await repo.insert(doc, {
    docId: doc._id,
    version: 1,
    type: 'created',
    status: 'draft',
    by: doc.createdBy,
    at: now,
    reason: null,
  });
  // The template is stored now (clock 0, unique), so no client ever bootstraps content.
  await createUpdateStore(ctx).insertTemplate(doc._id, templateFor(doc));
  return toSummary(doc, 'draft');
}

export function templateFor(doc: Pick<DocumentDoc, 'kind' | 'title'>): Uint8Array {
  return templateUpdate(doc.kind === 'minutes' ? minutesTemplate(doc.title) : reflectionTemplate(doc.title));
}

export async function createDocumentAs(ctx: AppContext, scope: Scope, body: CreateDocumentBody) {
  const owner = await ownerOf(ctx, body);
  if (!mayCreate(scope, { kind: body.kind, ...owner })) throw forbidden('You may not create documents here');
  return createDocument(ctx, { ...body, createdBy: scope.userId });
}

export async function getMeta(ctx: AppContext, scope: Scope, id: string): Promise<DocumentMeta> {
  const { doc, status, access } = await readable(ctx, scope, id);
  const [text] = await createDocumentsRepo(ctx.db).textsOf([doc._id]);
  return {
    ...toSummary(doc, status, text?.updatedAt),
    access,
    actions: allowedActions(scope, doc, status),
    excerpt: (text?.text ?? '').slice(0, 200),
  };
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export async function listDocuments(
  ctx: AppContext,
  scope: Scope,
  query: DocumentListQuery,
): Promise<DocumentPage> {
  const repo = createDocumentsRepo(ctx.db);
  const and: Filter<DocumentDoc>[] = [];
  const readableFilter = readableBranchFilter(scope);
  if (readableFilter) {
    and.push({
      $or: [
        { committeeId: { $in: readableFilter.committeeIds.map((id) => new ObjectId(id)) } },
        { branchId: { $in: readableFilter.branchIds.map((id) => new ObjectId(id)) } },
      ],
    });
  }
  if (query.kind) and.push({ kind: query.kind });
  if (query.branchId) and.push({ branchId: new ObjectId(query.branchId) });
  if (query.groupId) and.push({ groupId: new ObjectId(query.groupId) });
  if (query.status) and.push({ status: query.status });
  if (query.refType) and.push({ 'ref.type': query.refType });
  if (query.refId) and.push({ 'ref.id': query.refId });
  if (query.q) {
    const pattern = new RegExp(escapeRegex(query.q), 'i');
    const textIds = await repo.idsMatchingText(pattern, 1000);
    and.push({ $or: [{ title: { $regex: pattern } }, { _id: { $in: textIds } }] });
  }
  let before: ObjectId | null = null;
  if (query.cursor) {
    if (!/^[0-9a-f]{24}$/.test(query.cursor)) throw new AppError('VALIDATION_FAILED', 'bad cursor');
    before = new ObjectId(query.cursor);
  }
  const found = await repo.page(and.length > 0 ? { $and: and } : {}, query.limit, before);
  const items = found.slice(0, query.limit);
  const texts = new Map((await repo.textsOf(items.map((d) => d._id))).map((t) => [hex(t._id), t.updatedAt]));
  return {
    items: items.map((d) => toSummary(d, d.status, texts.get(hex(d._id)))),
    nextCursor: found.length > query.limit && items.length > 0 ? hex(items[items.length - 1]!._id) : null,
  };
}

const EVENT_OF: Record<LifecycleAction, DocumentEventDoc['type']> = {
  submit: 'submitted',
  approve: 'approved',
  reopen: 'reopened',
  archive: 'archived',
};

/**
 * Moves a document through its lifecycle. The event log arbitrates: the writer of version v+1 wins, a
 * loser retries on the fresh state (and usually finds the transition no longer allowed). Afterwards the
 * status is mirrored into the Y.Doc and every open connection is re-checked on every process.
 */
export async function changeLifecycle(
  ctx: AppContext,
  collab: Collab,
  scope: Scope,
  id: string,
  action: LifecycleAction,
  reason: string | undefined,
): Promise<DocumentMeta> {
  const repo = createDocumentsRepo(ctx.db);
  for (let attempt = 0; attempt < 5; attempt++) {
    const { doc, status, version } = await readable(ctx, scope, id);
    const rule = LifecycleTransitions[doc.kind][action];
    if (!rule) throw invalidState(`${doc.kind} cannot ${action}`);
    if (!rule.from.includes(status)) throw invalidState(`cannot ${action} a ${status} document`);
    if (!allowedActions(scope, doc, status).includes(action))
      throw forbidden(`You may not ${action} this document`);
    if (action === 'reopen' && !reason?.trim())
      throw new AppError('VALIDATION_FAILED', 'reopening needs a reason');
    const won = await repo.appendEvent({
      docId: doc._id,
      version: version + 1,
      type: EVENT_OF[action],
      status: rule.to,
      by: new ObjectId(scope.userId),
      at: ctx.now(),
      reason: reason ?? null,
    });
    if (!won) continue;
    await collab.edit(hex(doc._id), doc.kind, (ydoc, origin) => {
      ydoc.transact(() => ydoc.getMap(DOC_META_MAP).set('status', rule.to), origin);
    });
    if (action === 'submit' || action === 'approve') {
      await createNamedVersion(
        ctx,
        collab,
        doc,
        action === 'submit' ? 'submitted' : 'approved',
        scope.userId,
      );
    }
    await collab.accessChanged(hex(doc._id));
    return getMeta(ctx, scope, id);
  }
  throw new AppError('CONFLICT', 'The document changed meanwhile; try again');
}

export async function listEvents(ctx: AppContext, scope: Scope, id: string): Promise<DocumentEvent[]> {
  const { doc } = await readable(ctx, scope, id);
  const events = await createDocumentsRepo(ctx.db).listEvents(doc._id);
  return events.map((e) => ({
    version: e.version,
    type: e.type,
    status: e.status,
    by: hex(e.by),
    at: e.at.toISOString(),
    reason: e.reason,
  }));
}

/** Called by the collaboration server when a document's content changed: plain text, automatic versions. */
export async function contentChanged(ctx: AppContext, docId: ObjectId, ydoc: Y.Doc): Promise<void> {
  const repo = createDocumentsRepo(ctx.db);
  const text = plainText(readBlocks(ydoc));
  await repo.saveText(docId, text, ctx.now());
  await createAutoVersion(ctx, docId, ydoc, text);
}
