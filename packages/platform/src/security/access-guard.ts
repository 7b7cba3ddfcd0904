import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';
import type { AuthenticatedUser, TokenService } from './tokens.js';

/**
 * Who may call a route: anyone, a user with a JWT, another service with the internal key (the default), or
 * `admin`: another service with the internal key or an operator whose JWT carries the admin role.
 */
export type RouteAccess = 'public' | 'user' | 'internal' | 'admin';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
  interface FastifyRequest {
    user?: AuthenticatedUser;
  }
}

export const internalKeyHeader = 'x-internal-api-key';

function digest(value: string) {
  return createHash('sha256').update(value).digest();
}

export function keysMatch(given: string, expected: string) {
  // Comparing fixed-length digests keeps the comparison constant-time whatever the given length.
  return timingSafeEqual(digest(given), digest(expected));
}

function bearerToken(request: FastifyRequest) {
  const header = request.headers.authorization;
  if (!header) throw AppError.unauthorized('Missing Authorization header; send "Authorization: Bearer <token>"');
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) throw AppError.unauthorized('Authorization header must be "Bearer <token>"');
  return match[1] as string;
}

/** Verifies the request's bearer token and sets `request.user`; throws a 401 naming what is wrong. */
export async function authenticateUser(request: FastifyRequest, tokens: TokenService) {
  request.user = await tokens.verify(bearerToken(request));
  return request.user;
}

export function installAccessGuard(app: FastifyInstance, options: { internalApiKey: string; tokens: TokenService }) {
  app.addHook('onRequest', async (request) => {
    if (request.is404) return;
    const access = request.routeOptions.config.access ?? 'internal';
    if (access === 'public') return;
    if (access === 'user') {
      await authenticateUser(request, options.tokens);
      return;
    }
    const given = request.headers[internalKeyHeader];
    if (typeof given === 'string' && keysMatch(given, options.internalApiKey)) return;
    if (access === 'admin' && given === undefined && request.headers.authorization) {
      const user = await authenticateUser(request, options.tokens);
      if (user.role !== 'admin') throw AppError.forbidden('This page is for operators; your account is not an admin');
      return;
    }
    throw AppError.forbidden('Missing or invalid X-Internal-API-Key header');
  });
}

/** The authenticated user of a `user` route; the guard has already verified the token. */
export function requireUser(request: FastifyRequest): AuthenticatedUser {
  if (!request.user) throw AppError.unauthorized();
  return request.user;
}
