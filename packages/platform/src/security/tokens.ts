import type { UserRole } from '@ecomm/contracts';
import { webcrypto } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';
import { AppError } from '../errors.js';

export interface TokenSettings {
  secret: string;
  issuer: string;
  audience: string;
  expiresInSeconds?: number;
}

export type { UserRole };

export interface AuthenticatedUser {
  id: string;
  email?: string;
  role?: UserRole;
}

/** HS256 access tokens: `sub` is the user id; issuer, audience and expiry are always checked. */
export function createTokenService(settings: TokenSettings) {
  // Imported once: given the secret's bytes, jose imports a key at every call (about a third of a verification's CPU).
  let importedKey: Promise<webcrypto.CryptoKey> | undefined;
  const key = () =>
    (importedKey ??= webcrypto.subtle.importKey(
      'raw',
      new TextEncoder().encode(settings.secret),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign', 'verify'],
    ));
  const expiresInSeconds = settings.expiresInSeconds ?? 3600;

  return {
    expiresInSeconds,

    async sign(user: AuthenticatedUser): Promise<string> {
      return new SignJWT({ ...(user.email ? { email: user.email } : {}), role: user.role ?? 'user' })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(user.id)
        .setIssuer(settings.issuer)
        .setAudience(settings.audience)
        .setIssuedAt()
        .setExpirationTime(`${expiresInSeconds}s`)
        .sign(await key());
    },

    async verify(token: string): Promise<AuthenticatedUser> {
      try {
        const { payload } = await jwtVerify(token, await key(), {
          algorithms: ['HS256'],
          issuer: settings.issuer,
          audience: settings.audience,
          requiredClaims: ['sub', 'exp'],
        });
        const email = typeof payload.email === 'string' ? payload.email : undefined;
        // Tokens signed before roles existed carry none: they are plain users.
        const role: UserRole = payload.role === 'admin' ? 'admin' : 'user';
        return { id: payload.sub as string, ...(email ? { email } : {}), role };
      } catch (error) {
        if (error instanceof errors.JWTExpired) throw AppError.unauthorized('Token has expired; log in again');
        throw AppError.unauthorized('Invalid token');
      }
    },
  };
}

export type TokenService = ReturnType<typeof createTokenService>;
