import type { Readable } from 'node:stream';
import { type Attachment, AttachmentMimeTypes, ChannelLimits } from '@zhibu/shared';
import { ObjectId } from 'mongodb';
import type { AppContext } from '../../context.js';
import { createFileStore } from '../../files/gridfs.js';
import { makeThumbnail } from '../../files/images.js';
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
  const files = createFileStore(ctx.db, GRIDFS_BUCKET);

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
      const thumb = IMAGE.has(type) ? await makeThumbnail(data) : null;
      const safeName =
        [...name]
          .map((ch) => (ch < ' ' || ch === '/' || ch === '\\' ? '_' : ch))
          .join('')
          .slice(0, 200) || 'file';
      const fileId = await files.put(data, safeName, type);
      const thumbId = thumb ? await files.put(thumb, `thumb-${safeName}.webp`, 'image/webp') : null;
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
      return { stream: files.open(fileId), doc, mime: thumbnail ? 'image/webp' : doc.mime };
    },
  };
}
