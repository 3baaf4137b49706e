import type { Readable } from 'node:stream';
import { type GridPhoto, GridPhotoLimits } from '@zhibu/shared';
import { type Collection, ObjectId } from 'mongodb';
import type { AppContext } from '../../context.js';
import { isDuplicateKey } from '../../db/mongo.js';
import { createFileStore } from '../../files/gridfs.js';
import { checkImage } from '../../files/images.js';
import { AppError } from '../../http/app-error.js';
import type { Scope } from '../permissions/index.js';
import { isPublic, readAccess } from './access.js';
import type { IssueState } from './projection.js';

export const GRID_PHOTO_BUCKET = 'grid_files';

/** A stored photo (or its thumbnail) to send: its bytes and the image type they were decoded as. */
export interface PhotoFile {
  stream: Readable;
  mime: string;
}

/** An uploaded photo; written once by its uploader, never changed. */
export interface GridPhotoDoc {
  _id: ObjectId;
  uploaderId: string;
  mime: string;
  size: number;
  width: number;
  height: number;
  fileId: ObjectId;
  thumbId: ObjectId;
  createdAt: Date;
  /**
   * Taken by a report or verification. Written at upload (false), then only by the winner of the photo's
   * claim (see GridPhotoUseDoc), so never by two writers at once; lets the purge find abandoned uploads.
   */
  used: boolean;
}

/**
 * The use of a photo by an issue: `_id` is the photo's id, so the unique `_id` decides which report or
 * verification gets a photo when two try at once (FerretDB has no safe compare-and-set on the photo).
 * `claim` is the claimant's random token. `issueId` is known when the claim is made (a report's id is
 * chosen before its event is written), so a photo is never in use without saying by which issue.
 * `settled` is false until the claimant's event is written; a claim left unsettled (its process died in
 * between) is freed by the daily purge when its issue never came to exist. Older records lack the field.
 */
export interface GridPhotoUseDoc {
  _id: ObjectId;
  claim: string;
  issueId: string | null;
  at: Date;
  settled?: boolean;
}

const toPhoto = (d: GridPhotoDoc): GridPhoto => ({
  id: d._id.toHexString(),
  mime: d.mime,
  size: d.size,
  width: d.width,
  height: d.height,
});

const PURGE = 'purge';
const HEIC = new Set(['image/heic', 'image/heif', 'image/heic-sequence', 'image/heif-sequence']);

export interface PhotoClaim {
  /** The claimant's event is written: the photos are the issue's for good. */
  settle(): Promise<void>;
  /** Gives the photos back (the report or verification failed). */
  release(): Promise<void>;
}

export type GridPhotos = ReturnType<typeof createGridPhotos>;

/**
 * Report and verification photos: stored in GridFS with a WebP thumbnail, checked by decoding them. An
 * upload is its uploader's until one issue uses it; then whoever may read that issue may download it.
 */
/**
 * `current` gives an issue's state; `photosInLog` the photo ids its events name (its report's and its
 * verifications'), or null when the issue does not exist.
 */
export function createGridPhotos(
  ctx: AppContext,
  current: (issueId: string) => Promise<IssueState>,
  photosInLog: (issueId: string) => Promise<Set<string> | null>,
) {
  const files = createFileStore(ctx.db, GRID_PHOTO_BUCKET);
  const photos: Collection<GridPhotoDoc> = ctx.db.collection('grid_photos');
  const uses: Collection<GridPhotoUseDoc> = ctx.db.collection('grid_photo_uses');

  async function releaseClaim(oids: ObjectId[], claim: string): Promise<void> {
    if (oids.length === 0) return;
    const mine = await uses.find({ _id: { $in: oids }, claim }, { projection: { _id: 1 } }).toArray();
    for (const { _id } of mine) await photos.updateOne({ _id }, { $set: { used: false } });
    await uses.deleteMany({ _id: { $in: oids }, claim });
  }

  async function findPhoto(photoId: string): Promise<GridPhotoDoc> {
    const doc = await photos.findOne({ _id: new ObjectId(photoId) });
    if (!doc) throw new AppError('NOT_FOUND', 'No such photo');
    return doc;
  }

  /** The issue that uses a photo; FORBIDDEN for an unused upload (or a claim whose issue never came). */
  async function issueOf(doc: GridPhotoDoc): Promise<IssueState> {
    const use = await uses.findOne({ _id: doc._id });
    if (!use?.issueId) throw new AppError('FORBIDDEN', 'This photo is not shared');
    try {
      return await current(use.issueId);
    } catch (error) {
      if (error instanceof AppError && error.code === 'NOT_FOUND') {
        throw new AppError('FORBIDDEN', 'This photo is not shared');
      }
      throw error;
    }
  }

  const fileOf = (doc: GridPhotoDoc, thumbnail: boolean): PhotoFile =>
    thumbnail
      ? { stream: files.open(doc.thumbId), mime: 'image/webp' }
      : { stream: files.open(doc.fileId), mime: doc.mime };

  return {
    async upload(userId: string, contentType: string, data: Buffer): Promise<GridPhoto> {
      const declared = contentType.split(';')[0]!.trim().toLowerCase();
      if (HEIC.has(declared)) {
        throw new AppError('ATTACHMENT_TYPE', 'HEIC photos are not accepted; send JPEG, PNG or WebP');
      }
      if (!declared.startsWith('image/')) throw new AppError('ATTACHMENT_TYPE');
      if (data.length === 0) throw new AppError('VALIDATION_FAILED', 'The file is empty');
      if (data.length > GridPhotoLimits.maxBytes) throw new AppError('ATTACHMENT_TOO_LARGE');
      const image = await checkImage(data, GridPhotoLimits.mimeTypes);
      const ext = image.mime.slice('image/'.length);
      const fileId = await files.put(image.clean, `photo.${ext}`, image.mime);
      const thumbId = await files.put(image.thumbnail, 'thumb.webp', 'image/webp');
      const doc: GridPhotoDoc = {
        _id: new ObjectId(),
        uploaderId: userId,
        mime: image.mime,
        size: image.clean.length,
        width: image.width,
        height: image.height,
        fileId,
        thumbId,
        createdAt: ctx.now(),
        used: false,
      };
      try {
        await photos.insertOne(doc);
      } catch (error) {
        await files.remove([fileId, thumbId]);
        throw error;
      }
      return toPhoto(doc);
    },

    /**
     * Takes the photos for one report or verification: each must be the caller's own upload (anything
     * else is "unknown", so ids of other people's photos reveal nothing) and not used by any issue yet.
     */
    async claim(userId: string, ids: readonly string[], issueId: string): Promise<PhotoClaim> {
      const claim = new ObjectId().toHexString();
      const oids = ids.map((id) => new ObjectId(id));
      const release = () => releaseClaim(oids, claim);
      if (oids.length === 0) return { settle: async () => undefined, release };
      for (const [i, oid] of oids.entries()) {
        const doc = await photos.findOne({ _id: oid }, { projection: { uploaderId: 1 } });
        if (!doc || doc.uploaderId !== userId) {
          throw new AppError('VALIDATION_FAILED', 'Unknown photo', [
            { field: `body.photos.${i}`, reason: 'is not a photo you uploaded' },
          ]);
        }
      }
      const at = ctx.now();
      for (const _id of oids) {
        try {
          await uses.insertOne({ _id, claim, issueId, at, settled: false });
        } catch (error) {
          // Taken by an earlier attempt of the same report (same issue id): still this report's.
          const taken = isDuplicateKey(error)
            ? await uses.findOne({ _id }, { projection: { issueId: 1 } })
            : null;
          if (taken?.issueId === issueId) continue;
          await release();
          if (isDuplicateKey(error))
            throw new AppError('INVALID_STATE', 'A photo is already used by an issue');
          throw error;
        }
      }
      for (const _id of oids) await photos.updateOne({ _id }, { $set: { used: true } });
      return {
        async settle() {
          // Only the winner of the claim writes these documents.
          for (const _id of oids) await uses.updateOne({ _id, claim }, { $set: { settled: true } });
        },
        release,
      };
    },

    /**
     * Claims older than `before` whose claimant died before settling: settled now when their issue's log
     * names the photo (the event was written), given back otherwise — the issue never came to exist, or a
     * verification died before its event (the photos can then be used again, or purged).
     */
    async releaseOrphans(before: Date, limit = 500): Promise<number> {
      const stale = await uses
        .find({ settled: false, at: { $lt: before } })
        .limit(limit)
        .toArray();
      let released = 0;
      for (const use of stale) {
        const named = use.issueId ? await photosInLog(use.issueId) : null;
        if (named?.has(use._id.toHexString())) {
          await uses.updateOne({ _id: use._id, claim: use.claim }, { $set: { settled: true } });
          continue;
        }
        await releaseClaim([use._id], use.claim);
        released++;
      }
      return released;
    },

    /**
     * Deletes uploads older than `before` that no issue took (a form abandoned after uploading). Each is
     * first claimed for the purge through the same unique `_id` as a report: if a report takes the photo at
     * the same moment, exactly one of the two wins, so a photo in use is never deleted.
     */
    async purgeUnused(before: Date, limit = 500): Promise<number> {
      const old = await photos
        .find({ used: false, createdAt: { $lt: before } }, { projection: { _id: 1, fileId: 1, thumbId: 1 } })
        .limit(limit)
        .toArray();
      let purged = 0;
      for (const doc of old) {
        try {
          await uses.insertOne({ _id: doc._id, claim: PURGE, issueId: null, at: ctx.now() });
        } catch (error) {
          if (!isDuplicateKey(error)) throw error;
          // Taken by a report meanwhile, unless it is a purge that stopped half-way (then finish it).
          const use = await uses.findOne({ _id: doc._id }, { projection: { claim: 1 } });
          if (use?.claim !== PURGE) continue;
        }
        await files.remove([doc.fileId, doc.thumbId]);
        await photos.deleteOne({ _id: doc._id });
        await uses.deleteOne({ _id: doc._id, claim: PURGE });
        purged++;
      }
      return purged;
    },

    /**
     * A photo or its thumbnail. The uploader may always fetch their own; anyone else needs read access to
     * the issue that uses it (the reporter of an anonymous issue is not named: the file has no metadata and
     * the reply no uploader). 404 for an unknown id, 403 for a photo the caller may not see.
     */
    async open(scope: Scope, photoId: string, thumbnail: boolean): Promise<PhotoFile> {
      const doc = await findPhoto(photoId);
      if (doc.uploaderId !== scope.userId) {
        const state = await issueOf(doc);
        if (readAccess(scope, state) === null) throw new AppError('FORBIDDEN', 'You may not see this issue');
      }
      return fileOf(doc, thumbnail);
    },

    /**
     * For the public Open311 `media_url`, without a sign-in: a photo of a public issue (what any signed-in
     * reader sees of it). Unused uploads and photos of legal questions answer 403.
     */
    async openPublic(photoId: string, thumbnail: boolean): Promise<PhotoFile> {
      const doc = await findPhoto(photoId);
      if (!isPublic(await issueOf(doc))) throw new AppError('FORBIDDEN', 'This photo is not public');
      return fileOf(doc, thumbnail);
    },
  };
}
