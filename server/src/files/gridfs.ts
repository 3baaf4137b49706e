import { Readable } from 'node:stream';
import { type Db, GridFSBucket, ObjectId } from 'mongodb';

/**
 * Files in one GridFS bucket, the way channel attachments store them: each file written once under a
 * fresh id (no file is ever rewritten, so no two writers meet on one document) and read as a stream.
 */
export function createFileStore(db: Db, bucketName: string) {
  const bucket = new GridFSBucket(db, { bucketName });
  return {
    async put(data: Buffer, filename: string, contentType: string): Promise<ObjectId> {
      const id = new ObjectId();
      await new Promise<void>((resolve, reject) => {
        const stream = bucket.openUploadStreamWithId(id, filename, { metadata: { contentType } });
        stream.on('error', reject);
        stream.on('finish', () => resolve());
        stream.end(data);
      });
      return id;
    },
    open(id: ObjectId): Readable {
      return Readable.from(bucket.openDownloadStream(id));
    },
    /** Removes files whose record was never written (a failed upload); a missing file is not an error. */
    async remove(ids: readonly ObjectId[]): Promise<void> {
      for (const id of ids) await bucket.delete(id).catch(() => undefined);
    },
  };
}
export type FileStore = ReturnType<typeof createFileStore>;
