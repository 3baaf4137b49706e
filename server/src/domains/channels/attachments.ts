import { Readable } from 'node:stream';
import { type Attachment, AttachmentMimeTypes, ChannelLimits } from '@zhibu/shared';
import { GridFSBucket, ObjectId } from 'mongodb';
import sharp from 'sharp';
import type { AppContext } from '../../context.js';
import { AppError } from '../../http/app-error.js';
import type { AccessCache } from './access.js';
import { type AttachmentDoc, type Collections, GRIDFS_BUCKET } from './model.js';

const IMAGE = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);
const ACCEPTED = new Set<string>(AttachmentMimeTypes);

const toAttachment = (d: AttachmentDoc): Attachment => ({
  id: d._id.toHexString(),
  name: d.name,
  mime: d.mime,
  size: d.size,
  hasThumbnail: d.thumbId !== null,
});

/**
 * Files and images in GridFS. An upload belongs to a channel and its uploader until a message claims it;
 * images are checked by decoding them (not by trusting the declared type) and get a WebP thumbnail.
 * Downloads are authorized by read access to the channel.
 */
export function createAttachmentsService(ctx: AppContext, cols: Collections, access: AccessCache) {
  const bucket = new GridFSBucket(ctx.db, { bucketName: GRIDFS_BUCKET });

  async function put(data: Buffer, filename: string, contentType: string): Promise<ObjectId> {
    const id = new ObjectId();
    await new Promise<void>((resolve, reject) => {
      const stream = bucket.openUploadStreamWithId(id, filename, { metadata: { contentType } });
      stream.on('error', reject);
      stream.on('finish', () => resolve());
      stream.end(data);
    });
    return id;
  }

  return {
    async upload(
      userId: string,
      channelId: string,
      name: string,
      mime: string,
      data: Buffer,
    ): Promise<Attachment> {
      const { channel, rights } = await access.rights(userId, channelId);
      if (!rights.post) throw new AppError('FORBIDDEN');
      if (channel.archived) throw new AppError('CHANNEL_ARCHIVED');
      const type = mime.split(';')[0]!.trim().toLowerCase();
      if (!ACCEPTED.has(type)) throw new AppError('ATTACHMENT_TYPE');
      if (data.length === 0) throw new AppError('VALIDATION_FAILED', 'The file is empty');
      if (data.length > ChannelLimits.attachmentMaxBytes) throw new AppError('ATTACHMENT_TOO_LARGE');
      let thumb: Buffer | null = null;
      if (IMAGE.has(type)) {
        try {
          thumb = await sharp(data, { limitInputPixels: 50_000_000 })
            .rotate()
            .resize(320, 320, { fit: 'inside', withoutEnlargement: true })
            .webp({ quality: 75 })
            .toBuffer();
        } catch {
          throw new AppError('ATTACHMENT_TYPE', 'The image cannot be read');
        }
      }
      const safeName =
        [...name]
          .map((ch) => (ch < ' ' || ch === '/' || ch === '\\' ? '_' : ch))
          .join('')
          .slice(0, 200) || 'file';
      const fileId = await put(data, safeName, type);
      const thumbId = thumb ? await put(thumb, `thumb-${safeName}.webp`, 'image/webp') : null;
      const doc: AttachmentDoc = {
        _id: new ObjectId(),
        channelId: channel._id,
        uploaderId: new ObjectId(userId),
        name: safeName,
        mime: type,
        size: data.length,
        fileId,
        thumbId,
        messageId: null,
        createdAt: ctx.now(),
      };
      await cols.attachments.insertOne(doc);
      return toAttachment(doc);
    },

    async open(
      userId: string,
      attachmentId: string,
      thumbnail: boolean,
    ): Promise<{ stream: Readable; doc: AttachmentDoc; mime: string }> {
      const doc = await cols.attachments.findOne({ _id: new ObjectId(attachmentId) });
      if (!doc) throw new AppError('NOT_FOUND', 'No such file');
      await access.rights(userId, doc.channelId.toHexString());
      // An unsent upload is visible only to its uploader.
      if (doc.messageId === null && doc.uploaderId.toHexString() !== userId)
        throw new AppError('NOT_FOUND', 'No such file');
      const fileId = thumbnail ? doc.thumbId : doc.fileId;
      if (!fileId) throw new AppError('NOT_FOUND', 'No thumbnail');
      const stream = bucket.openDownloadStream(fileId);
      return { stream: Readable.from(stream), doc, mime: thumbnail ? 'image/webp' : doc.mime };
    },
  };
}
