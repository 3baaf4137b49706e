import type { AccountRole, Locale, User } from '@zhibu/shared';
import { type Collection, type Db, ObjectId } from 'mongodb';
import { isDuplicateKey } from '../../db/mongo.js';
import { AppError } from '../../http/app-error.js';

export interface UserDoc {
  _id: ObjectId;
  username: string | null;
  mobile: string | null;
  /** Written at creation and then only by the user (profile), so an in-place update is safe. */
  email?: string | null;
  displayName: string;
  passwordHash: string | null;
  role: AccountRole;
  locale: Locale;
  timeZone: string;
  disabled: boolean;
  createdAt: Date;
}

interface HandleDoc {
  _id: string;
  userId: ObjectId;
}

export interface NewUser {
  username?: string | null;
  mobile?: string | null;
  email?: string | null;
  displayName: string;
  passwordHash: string | null;
  role: AccountRole;
  locale?: Locale;
  timeZone?: string;
}

const usernameHandle = (username: string) => `username:${username.toLowerCase()}`;
const mobileHandle = (mobile: string) => `mobile:${mobile}`;

export function toUser(doc: UserDoc): User {
  return {
    id: doc._id.toHexString(),
    username: doc.username,
    mobile: doc.mobile,
    email: doc.email ?? null,
    displayName: doc.displayName,
    role: doc.role,
    locale: doc.locale,
    timeZone: doc.timeZone,
    createdAt: doc.createdAt.toISOString(),
  };
}

export type UsersRepo = ReturnType<typeof createUsersRepo>;

export function createUsersRepo(db: Db, now: () => Date) {
  const users: Collection<UserDoc> = db.collection('users');
  const handles: Collection<HandleDoc> = db.collection('user_handles');

  /** Claims a unique handle; the unique _id arbitrates concurrent claims. */
  async function claim(handle: string, userId: ObjectId, code: 'USERNAME_TAKEN' | 'MOBILE_TAKEN') {
    try {
      await handles.insertOne({ _id: handle, userId });
    } catch (error) {
      if (isDuplicateKey(error)) throw new AppError(code);
      throw error;
    }
  }

  return {
    users,

    async create(input: NewUser): Promise<UserDoc> {
      const _id = new ObjectId();
      const claimed: string[] = [];
      try {
        if (input.username) {
          await claim(usernameHandle(input.username), _id, 'USERNAME_TAKEN');
          claimed.push(usernameHandle(input.username));
        }
        if (input.mobile) {
          await claim(mobileHandle(input.mobile), _id, 'MOBILE_TAKEN');
          claimed.push(mobileHandle(input.mobile));
        }
        const doc: UserDoc = {
          _id,
          username: input.username ?? null,
          mobile: input.mobile ?? null,
          email: input.email ?? null,
          displayName: input.displayName,
          passwordHash: input.passwordHash,
          role: input.role,
          locale: input.locale ?? 'zh-CN',
          timeZone: input.timeZone ?? 'Asia/Shanghai',
          disabled: false,
          createdAt: now(),
        };
        await users.insertOne(doc);
        return doc;
      } catch (error) {
        if (claimed.length > 0) await handles.deleteMany({ _id: { $in: claimed }, userId: _id });
        throw error;
      }
    },

    findById(id: string | ObjectId): Promise<UserDoc | null> {
      if (typeof id === 'string' && !ObjectId.isValid(id)) return Promise.resolve(null);
      return users.findOne({ _id: new ObjectId(id) });
    },

    async findByIds(ids: ObjectId[]): Promise<UserDoc[]> {
      return ids.length === 0 ? [] : users.find({ _id: { $in: ids } }).toArray();
    },

    /** Finds a user by username (case-insensitive) or mobile number. */
    async findByLogin(login: string): Promise<UserDoc | null> {
      const handle = await handles.findOne({ _id: { $in: [usernameHandle(login), mobileHandle(login)] } });
      return handle ? users.findOne({ _id: handle.userId }) : null;
    },

    async anyAdmin(): Promise<boolean> {
      return (await users.findOne({ role: 'admin' }, { projection: { _id: 1 } })) !== null;
    },

    /** Profile fields are written only by their owner, so an in-place update is safe. */
    async updateProfile(
      id: ObjectId,
      fields: Partial<Pick<UserDoc, 'displayName' | 'email' | 'locale' | 'timeZone' | 'passwordHash'>>,
    ) {
      await users.updateOne({ _id: id }, { $set: fields });
      return users.findOne({ _id: id });
    },
  };
}
