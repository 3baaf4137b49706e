import sharp from 'sharp';
import { AppError } from '../http/app-error.js';

/** The thumbnail every uploaded image gets: WebP, at most 320 × 320 (the same as channel attachments). */
export const THUMBNAIL_PX = 320;
const MAX_INPUT_PIXELS = 50_000_000;

const MIME_OF_FORMAT: Record<string, string> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  gif: 'image/gif',
};

/** The WebP thumbnail of an image, upright; throws ATTACHMENT_TYPE when the image cannot be decoded. */
export async function makeThumbnail(data: Buffer): Promise<Buffer> {
  try {
    return await sharp(data, { limitInputPixels: MAX_INPUT_PIXELS })
      .rotate()
      .resize(THUMBNAIL_PX, THUMBNAIL_PX, { fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 75 })
      .toBuffer();
  } catch {
    throw new AppError('ATTACHMENT_TYPE', 'The image cannot be read');
  }
}

export interface CheckedImage {
  mime: string;
  width: number;
  height: number;
  /** The image re-encoded in its own format, turned upright, without metadata (EXIF GPS, camera owner). */
  clean: Buffer;
  thumbnail: Buffer;
}

/**
 * Decodes an upload to learn what it really is (the declared type is not trusted) and accepts it only if
 * its format is one of `accepted`. The stored copy drops all metadata: a photo of an anonymous report
 * must not carry its author's phone model, name or home coordinates.
 */
export async function checkImage(data: Buffer, accepted: readonly string[]): Promise<CheckedImage> {
  let mime: string | undefined;
  try {
    const meta = await sharp(data, { limitInputPixels: MAX_INPUT_PIXELS }).metadata();
    mime = meta.format ? MIME_OF_FORMAT[meta.format] : undefined;
  } catch {
    throw new AppError('ATTACHMENT_TYPE', 'The image cannot be read');
  }
  if (!mime || !accepted.includes(mime)) throw new AppError('ATTACHMENT_TYPE');
  try {
    const upright = () => sharp(data, { limitInputPixels: MAX_INPUT_PIXELS }).rotate();
    const encoded =
      mime === 'image/jpeg'
        ? upright().jpeg({ quality: 90, mozjpeg: true })
        : mime === 'image/png'
          ? upright().png()
          : mime === 'image/webp'
            ? upright().webp({ quality: 90 })
            : upright();
    const { data: clean, info } = await encoded.toBuffer({ resolveWithObject: true });
    const thumbnail = await makeThumbnail(data);
    return { mime, width: info.width, height: info.height, clean, thumbnail };
  } catch {
    throw new AppError('ATTACHMENT_TYPE', 'The image cannot be read');
  }
}
