import type { SearchHit, SearchPage, SearchQuery } from '@zhibu/shared';
import { type Filter, ObjectId } from 'mongodb';
import { AppError } from '../../http/app-error.js';
import { type AccessCache, readableFilter, rightsFor } from './access.js';
import type { Collections, MessageDoc } from './model.js';
import { highlight, parseQuery } from './ngrams.js';
import type { Presenter } from './present.js';

interface Cursor {
  at: number;
  id: string;
}

const encode = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString('base64url');
function decode(s: string | undefined): Cursor | null {
  if (!s) return null;
  try {
    const v = JSON.parse(Buffer.from(s, 'base64url').toString()) as unknown;
    if (
      v &&
      typeof v === 'object' &&
      'at' in v &&
      'id' in v &&
      typeof v.at === 'number' &&
      typeof v.id === 'string' &&
      ObjectId.isValid(v.id)
    )
      return { at: v.at, id: v.id };
  } catch {
    // fall through
  }
  throw new AppError('VALIDATION_FAILED', 'Bad cursor');
}

/**
 * Full-text search without text indexes: every query term must be among the message's stored terms
 * (`$all` on an indexed array), only in channels the user may read; the text is then checked and the
 * matched ranges returned for highlighting. Newest first, paged by (createdAt, _id).
 */
export function createSearchService(cols: Collections, access: AccessCache, presenter: Presenter) {
  return {
    async search(userId: string, q: SearchQuery): Promise<SearchPage> {
      const parsed = parseQuery(q.q);
      if (parsed.terms.length === 0) return { items: [], nextCursor: null };
      const userAccess = await access.user(userId);
      const readable = (await cols.channels.find(readableFilter(userAccess)).toArray()).filter(
        (c) => rightsFor(userAccess, c).read,
      );
      const names = new Map(readable.map((c) => [c._id.toHexString(), c.name]));
      const moderated = new Set(
        readable.filter((c) => rightsFor(userAccess, c).moderate).map((c) => c._id.toHexString()),
      );
      let channelIds = readable.map((c) => c._id);
      if (q.channelId) channelIds = channelIds.filter((c) => c.toHexString() === q.channelId);
      if (channelIds.length === 0) return { items: [], nextCursor: null };

      const filter: Filter<MessageDoc> = {
        channelId: { $in: channelIds },
        grams: { $all: parsed.terms },
        deletedAt: null,
        hidden: false,
      };
      if (q.authorId) filter.authorId = new ObjectId(q.authorId);
      const range: { $gte?: Date; $lt?: Date } = {};
      if (q.from) range.$gte = new Date(q.from);
      if (q.to) range.$lt = new Date(q.to);
      const cursor = decode(q.cursor);
      if (cursor)
        range.$lt = range.$lt && range.$lt.getTime() < cursor.at ? range.$lt : new Date(cursor.at + 1);
      if (range.$gte || range.$lt) filter.createdAt = range;

      const hits: Array<{ doc: MessageDoc; ranges: Array<[number, number]> }> = [];
      let scanned = 0;
      let exhausted = false;
      const batch = q.limit * 3;
      let skip = 0;
      // Keep reading until a page of real matches is found (the term index can give false positives).
      while (hits.length <= q.limit && scanned < 2000) {
        const docs = await cols.messages
          .find(filter, { sort: { createdAt: -1, _id: -1 }, skip, limit: batch })
          .toArray();
        skip += docs.length;
        scanned += docs.length;
        for (const doc of docs) {
          if (
            cursor &&
            (doc.createdAt.getTime() > cursor.at ||
              (doc.createdAt.getTime() === cursor.at && doc._id.toHexString() >= cursor.id))
          )
            continue;
          const ranges = highlight(doc.text, parsed);
          if (ranges) hits.push({ doc, ranges });
          if (hits.length > q.limit) break;
        }
        if (docs.length < batch) {
          exhausted = true;
          break;
        }
      }
      const page = hits.slice(0, q.limit);
      const presented = await Promise.all(
        page.map(
          async (h) =>
            (
              await presenter.present([h.doc], { moderator: moderated.has(h.doc.channelId.toHexString()) })
            )[0]!,
        ),
      );
      const items: SearchHit[] = page.map((h, i) => ({
        message: presented[i]!,
        channelName: names.get(h.doc.channelId.toHexString()) ?? '',
        highlights: h.ranges,
      }));
      const last = page[page.length - 1];
      const more = hits.length > q.limit || (!exhausted && scanned >= 2000);
      return {
        items,
        nextCursor:
          more && last ? encode({ at: last.doc.createdAt.getTime(), id: last.doc._id.toHexString() }) : null,
      };
    },
  };
}
