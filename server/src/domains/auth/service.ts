import type { LoginResponse, RegisterResidentBody, TokenPair, User } from '@zhibu/shared';
import type { ObjectId } from 'mongodb';
import type { AppContext } from '../../context.js';
import { AppError } from '../../http/app-error.js';
import { createUsersRepo, toUser, type UserDoc } from '../users/repo.js';
import { createAccessTokens } from './access-token.js';
import { createLoginLimiter } from './login-limiter.js';
import { hashPassword, verifyPassword } from './password.js';
import { createRefreshTokens } from './refresh-tokens.js';

export type AuthService = ReturnType<typeof createAuthService>;

export function createAuthService(ctx: AppContext) {
  const users = createUsersRepo(ctx.db, ctx.now);
  const accessTokens = createAccessTokens(
    ctx.config.JWT_SECRET,
    ctx.config.ACCESS_TOKEN_TTL_SECONDS,
    ctx.now,
  );
  const refreshTokens = createRefreshTokens(ctx.db, ctx.config.REFRESH_TOKEN_TTL_DAYS, ctx.now);
  const limiter = createLoginLimiter(ctx.redis, ctx.config);

  async function tokensFor(user: UserDoc, refreshToken?: string): Promise<TokenPair> {
    const access = await accessTokens.sign(user._id.toHexString(), user.role);
    return {
      accessToken: access.token,
      accessTokenExpiresAt: access.expiresAt.toISOString(),
      refreshToken: refreshToken ?? (await refreshTokens.issue(user._id)),
    };
  }

  return {
    users,
    accessTokens,

    async login(login: string, password: string, ip: string): Promise<LoginResponse> {
      await limiter.check(login, ip);
      const user = await users.findByLogin(login);
      const ok = await verifyPassword(user?.passwordHash ?? undefined, password);
      if (!user || !ok || user.disabled) {
        await limiter.failed(login, ip);
        throw new AppError('INVALID_CREDENTIALS');
      }
      await limiter.succeeded(login);
      return { ...(await tokensFor(user)), user: toUser(user) };
    },

    async refresh(refreshToken: string): Promise<LoginResponse> {
      const rotated = await refreshTokens.rotate(refreshToken);
      const user = await users.findById(rotated.userId);
      if (!user || user.disabled) throw new AppError('TOKEN_INVALID');
      return { ...(await tokensFor(user, rotated.refreshToken)), user: toUser(user) };
    },

    logout: (refreshToken: string) => refreshTokens.logout(refreshToken),

    async me(userId: string): Promise<User> {
      const user = await users.findById(userId);
      if (!user || user.disabled) throw new AppError('UNAUTHENTICATED');
      return toUser(user);
    },

    async registerResident(body: RegisterResidentBody): Promise<User> {
      const user = await users.create({
        username: body.username,
        mobile: body.mobile ?? null,
        displayName: body.displayName,
        passwordHash: await hashPassword(body.password),
        role: 'resident',
      });
      return toUser(user);
    },

    async setPassword(userId: ObjectId, password: string): Promise<void> {
      await users.updateProfile(userId, { passwordHash: await hashPassword(password) });
    },

    /** At first start, when no admin exists, creates one from ZHIBU_ADMIN_USERNAME / ZHIBU_ADMIN_PASSWORD. */
    async bootstrapAdmin(): Promise<void> {
      const { ZHIBU_ADMIN_USERNAME: username, ZHIBU_ADMIN_PASSWORD: password } = ctx.config;
      if (await users.anyAdmin()) return;
      if (!username || !password) {
        ctx.log.warn('no admin exists; set ZHIBU_ADMIN_USERNAME and ZHIBU_ADMIN_PASSWORD to create one');
        return;
      }
      try {
        await users.create({
          username,
          displayName: '系统管理员',
          passwordHash: await hashPassword(password),
          role: 'admin',
        });
        ctx.log.info({ username }, 'created the first admin');
      } catch (error) {
        // Another process created it first: the unique username handle arbitrated.
        if (!(error instanceof AppError && error.code === 'USERNAME_TAKEN')) throw error;
      }
    },
  };
}
