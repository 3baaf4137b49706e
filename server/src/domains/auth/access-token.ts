import type { AccessClaims, AccountRole } from '@zhibu/shared';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { AppError } from '../../http/app-error.js';

const ISSUER = 'zhibu';
const AUDIENCE = 'zhibu';

export interface AccessTokenSigner {
  sign(userId: string, role: AccountRole): Promise<{ token: string; expiresAt: Date }>;
  /** Verifies a token from any transport (HTTP header, Socket.IO auth, ?token= on documents). */
  verify(token: string): Promise<AccessClaims>;
}

export function createAccessTokens(secret: string, ttlSeconds: number, now: () => Date): AccessTokenSigner {
  const key = new TextEncoder().encode(secret);
  return {
    async sign(userId, role) {
      const issuedAt = Math.floor(now().getTime() / 1000);
      const expiresAt = new Date((issuedAt + ttlSeconds) * 1000);
      const token = await new SignJWT({ role })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(userId)
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt(issuedAt)
        .setExpirationTime(issuedAt + ttlSeconds)
        .sign(key);
      return { token, expiresAt };
    },
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, key, {
          issuer: ISSUER,
          audience: AUDIENCE,
          algorithms: ['HS256'],
          currentDate: now(),
        });
        if (typeof payload.sub !== 'string' || typeof payload.role !== 'string')
          throw new AppError('TOKEN_INVALID');
        return { sub: payload.sub, role: payload.role as AccountRole };
      } catch (error) {
        if (error instanceof AppError) throw error;
        if (error instanceof joseErrors.JWTExpired) throw new AppError('TOKEN_EXPIRED');
        throw new AppError('TOKEN_INVALID');
      }
    },
  };
}
