import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Collection, Db, ObjectId } from 'mongodb';
import { isDuplicateKey } from '../../db/mongo.js';
import { AppError } from '../../http/app-error.js';

interface RefreshTokenDoc {
  _id: string;
  familyId: string;
  userId: ObjectId;
  secretHash: string;
  createdAt: Date;
  expiresAt: Date;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('base64url');
const random = (bytes: number) => randomBytes(bytes).toString('base64url');

/**
 * Refresh tokens rotate on every use. Rotation is arbitrated by a unique insert (`refresh_rotations`,
 * `_id` = token id), never by updating the token document, so it is safe on FerretDB: of two uses of
 * one token exactly one wins; the other is reuse, which revokes the whole family.
 */
export function createRefreshTokens(db: Db, ttlDays: number, now: () => Date) {
  const tokens: Collection<RefreshTokenDoc> = db.collection('refresh_tokens');
  const rotations: Collection<{ _id: string; at: Date }> = db.collection('refresh_rotations');
  const revocations: Collection<{ _id: string; at: Date; reason: string }> =
    db.collection('refresh_revocations');

  async function issue(userId: ObjectId, familyId = random(16)): Promise<string> {
    const id = random(16);
    const secret = random(32);
    const createdAt = now();
    await tokens.insertOne({
      _id: id,
      familyId,
      userId,
      secretHash: sha256(secret),
      createdAt,
      expiresAt: new Date(createdAt.getTime() + ttlDays * 86_400_000),
    });
    return `${id}.${secret}`;
  }

  async function revokeFamily(familyId: string, reason: string) {
    try {
      await revocations.insertOne({ _id: familyId, at: now(), reason });
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
  }

  async function find(token: string): Promise<RefreshTokenDoc> {
    const [id, secret] = token.split('.');
    if (!id || !secret) throw new AppError('TOKEN_INVALID');
    const doc = await tokens.findOne({ _id: id });
    if (!doc) throw new AppError('TOKEN_INVALID');
    const expected = Buffer.from(doc.secretHash);
    const actual = Buffer.from(sha256(secret));
    if (expected.length !== actual.length || !timingSafeEqual(expected, actual))
      throw new AppError('TOKEN_INVALID');
    if ((await revocations.findOne({ _id: doc.familyId })) !== null) throw new AppError('REFRESH_REUSED');
    if (doc.expiresAt.getTime() <= now().getTime()) throw new AppError('TOKEN_EXPIRED');
    return doc;
  }

  return {
    issue,
    revokeFamily,
    /** Spends a refresh token and returns its successor in the same family. */
    async rotate(token: string): Promise<{ userId: ObjectId; refreshToken: string }> {
      const doc = await find(token);
      try {
        await rotations.insertOne({ _id: doc._id, at: now() });
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        await revokeFamily(doc.familyId, 'reuse');
        throw new AppError('REFRESH_REUSED');
      }
      return { userId: doc.userId, refreshToken: await issue(doc.userId, doc.familyId) };
    },
    async logout(token: string): Promise<void> {
      const doc = await find(token).catch(() => null);
      if (doc) await revokeFamily(doc.familyId, 'logout');
    },
  };
}
