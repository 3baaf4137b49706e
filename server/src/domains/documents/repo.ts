import type { DocumentKind, DocumentStatus } from '@zhibu/shared';
import { type Binary, type Collection, type Db, type Filter, ObjectId } from 'mongodb';
import { isDuplicateKey } from '../../db/mongo.js';

export interface DocumentDoc {
  _id: ObjectId;
  kind: DocumentKind;
  title: string;
  branchId: ObjectId;
  groupId: ObjectId | null;
  committeeId: ObjectId;
  /** Projection of the latest lifecycle event (written by that event's writer; events are the truth). */
  status: DocumentStatus;
  createdBy: ObjectId;
  createdAt: Date;
  ref: { type: string; id: string } | null;
}

/** Append-only lifecycle log; unique (docId, version): the writer of version v+1 wins. */
export interface DocumentEventDoc {
  _id?: ObjectId;
  docId: ObjectId;
  version: number;
  type: 'created' | 'submitted' | 'approved' | 'reopened' | 'archived';
  status: DocumentStatus;
  by: ObjectId;
  at: Date;
  reason: string | null;
}

/** The plain text of a document, for search and the archive list. One writer at a time per flush. */
export interface DocumentTextDoc {
  _id: ObjectId;
  text: string;
  updatedAt: Date;
}

export interface DocumentVersionDoc {
  /** Named versions: ObjectId hex; automatic ones: `auto:<docId>:<bucket>` so processes never double them. */
  _id: string;
  docId: ObjectId;
  name: string;
  kind: 'named' | 'auto';
  createdBy: ObjectId | null;
  createdAt: Date;
  state: Binary;
  text: string;
  sizeBytes: number;
}

export const binaryBytes = (b: Binary): Uint8Array =>
  new Uint8Array(b.buffer.buffer, b.buffer.byteOffset, b.buffer.length);

export type DocumentsRepo = ReturnType<typeof createDocumentsRepo>;

export function createDocumentsRepo(db: Db) {
  const documents: Collection<DocumentDoc> = db.collection('documents');
  const events: Collection<DocumentEventDoc> = db.collection('document_events');
  const texts: Collection<DocumentTextDoc> = db.collection('document_texts');
  const versions: Collection<DocumentVersionDoc> = db.collection('document_versions');

  return {
    documents,
    events,
    texts,
    versions,

    findById(id: string | ObjectId): Promise<DocumentDoc | null> {
      if (typeof id === 'string' && !/^[0-9a-f]{24}$/.test(id)) return Promise.resolve(null);
      return documents.findOne({ _id: new ObjectId(id) });
    },

    async insert(doc: DocumentDoc, firstEvent: DocumentEventDoc): Promise<void> {
      // Event first: a crash before the document insert leaves an orphan event nobody can see.
      await events.insertOne(firstEvent);
      await documents.insertOne(doc);
    },

    latestEvent(docId: ObjectId): Promise<DocumentEventDoc | null> {
      return events.find({ docId }).sort({ version: -1 }).limit(1).next();
    },

    listEvents(docId: ObjectId): Promise<DocumentEventDoc[]> {
      return events.find({ docId }).sort({ version: 1 }).limit(500).toArray();
    },

    /** Appends an event; false when another writer took that version first. */
    async appendEvent(event: DocumentEventDoc): Promise<boolean> {
      try {
        await events.insertOne(event);
      } catch (error) {
        if (isDuplicateKey(error)) return false;
        throw error;
      }
      await documents.updateOne({ _id: event.docId }, { $set: { status: event.status } });
      return true;
    },

    async page(filter: Filter<DocumentDoc>, limit: number, before: ObjectId | null): Promise<DocumentDoc[]> {
      const f: Filter<DocumentDoc> = before ? { $and: [filter, { _id: { $lt: before } }] } : filter;
      return documents
        .find(f)
        .sort({ _id: -1 })
        .limit(limit + 1)
        .toArray();
    },

    textsOf(ids: ObjectId[]): Promise<DocumentTextDoc[]> {
      return ids.length === 0 ? Promise.resolve([]) : texts.find({ _id: { $in: ids } }).toArray();
    },

    async idsMatchingText(pattern: RegExp, limit: number): Promise<ObjectId[]> {
      const found = await texts
        .find({ text: { $regex: pattern } }, { projection: { _id: 1 } })
        .limit(limit)
        .toArray();
      return found.map((t) => t._id);
    },

    /** Replaces the stored text; a concurrent first write may lose the upsert race, so retry once. */
    async saveText(docId: ObjectId, text: string, at: Date): Promise<void> {
      for (let attempt = 0; attempt < 2; attempt++) {
        try {
          await texts.replaceOne({ _id: docId }, { text, updatedAt: at }, { upsert: true });
          return;
        } catch (error) {
          if (!isDuplicateKey(error) || attempt === 1) throw error;
        }
      }
    },

    /** Inserts a version; false when that id exists (an automatic version of this period already). */
    async insertVersion(version: DocumentVersionDoc): Promise<boolean> {
      try {
        await versions.insertOne(version);
        return true;
      } catch (error) {
        if (isDuplicateKey(error)) return false;
        throw error;
      }
    },

    listVersions(docId: ObjectId, limit: number, before: Date | null): Promise<DocumentVersionDoc[]> {
      return versions
        .find(before ? { docId, createdAt: { $lt: before } } : { docId }, {
          projection: { state: 0, text: 0 },
        })
        .sort({ createdAt: -1 })
        .limit(limit + 1)
        .toArray();
    },

    findVersion(docId: ObjectId, versionId: string): Promise<DocumentVersionDoc | null> {
      return versions.findOne({ _id: versionId, docId });
    },

    latestVersionAt(docId: ObjectId): Promise<DocumentVersionDoc | null> {
      return versions
        .find({ docId }, { projection: { state: 0, text: 0 } })
        .sort({ createdAt: -1 })
        .limit(1)
        .next();
    },
  };
}
