import type { GridQa, GridQaBody, PageOf } from '@zhibu/shared';
import { type Filter, ObjectId } from 'mongodb';
import { isDuplicateKey } from '../../db/mongo.js';
import { AppError } from '../../http/app-error.js';
import type { Scope } from '../permissions/index.js';
import type { GridCore } from './core.js';

/** A published, anonymised Q&A. `_id` is the issue id: one publication per legal question. */
interface QaDoc {
  _id: ObjectId;
  gridId: string | null;
  lawyerId: string;
  question: string;
  answer: string;
  publishedAt: Date;
}

const toQa = (d: QaDoc): GridQa => ({
  id: d._id.toHexString(),
  gridId: d.gridId,
  question: d.question,
  answer: d.answer,
  publishedAt: d.publishedAt.toISOString(),
});

export function createQaService(core: GridCore) {
  const qa = core.ctx.db.collection<QaDoc>('grid_qa');
  return {
    /**
     * The assigned lawyer publishes their answer for the grid. The lawyer writes the anonymised question
     * text themselves; nothing of the reporter (name, contact, address) is copied.
     */
    async publish(scope: Scope, issueId: string, body: GridQaBody): Promise<GridQa> {
      const state = await core.current(issueId);
      if (
        state.category !== 'legalQuestion' ||
        state.target?.kind !== 'lawyer' ||
        state.target.lawyerId !== scope.userId
      ) {
        throw new AppError('FORBIDDEN', 'Only the lawyer assigned to this legal question publishes it');
      }
      if (!['resolved', 'verified', 'closed'].includes(state.status)) {
        throw new AppError('INVALID_STATE', 'Answer the question before publishing it');
      }
      const doc: QaDoc = {
        _id: new ObjectId(issueId),
        gridId: state.gridId,
        lawyerId: scope.userId,
        question: body.question,
        answer: body.answer,
        publishedAt: core.ctx.now(),
      };
      try {
        await qa.insertOne(doc);
      } catch (error) {
        if (isDuplicateKey(error)) throw new AppError('CONFLICT', 'Already published');
        throw error;
      }
      return toQa(doc);
    },
    async list(gridId: string | undefined, limit: number, cursor?: string): Promise<PageOf<GridQa>> {
      const f: Filter<QaDoc> = gridId ? { gridId } : {};
      if (cursor) f._id = { $lt: new ObjectId(cursor) };
      const docs = await qa
        .find(f)
        .sort({ _id: -1 })
        .limit(limit + 1)
        .toArray();
      const page = docs.slice(0, limit);
      return {
        items: page.map(toQa),
        nextCursor: docs.length > limit ? (page.at(-1)?._id.toHexString() ?? null) : null,
      };
    },
  };
}
