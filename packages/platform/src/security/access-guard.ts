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

/** A check of given keys against one expected key, whose digest is computed once rather than per request. */
function keyMatcher(expected: string) {
  const expectedDigest = digest(expected);
  // Comparing fixed-length digests keeps the comparison constant-time whatever the given length.
  return (given: string) => timingSafeEqual(digest(given), expectedDigest);
}

export function keysMatch(given: string, expected: string) {
  return keyMatcher(expected)(given);
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

/**
 * The guard runs on every request, so it is a callback hook that answers a public or internal call without a
 * promise; only a JWT check (user and admin routes) waits on one.
 */
export function installAccessGuard(app: FastifyInstance, options: { internalApiKey: string; tokens: TokenService }) {
  const isInternalKey = keyMatcher(options.internalApiKey);

  async function admitUser(request: FastifyRequest, access: 'user' | 'admin') {
    const user = await authenticateUser(request, options.tokens);
    if (access === 'admin' && user.role !== 'admin')
      throw AppError.forbidden('This page is for operators; your account is not an admin');
  }

  app.addHook('onRequest', (request, _reply, done) => {
    if (request.is404) return done();
    const access = request.routeOptions.config.access ?? 'internal';
    if (access === 'public') return done();
    if (access === 'user') return void admitUser(request, access).then(() => done(), done);
    const given = request.headers[internalKeyHeader];
    if (typeof given === 'string' && isInternalKey(given)) return done();
    if (access === 'admin' && given === undefined && request.headers.authorization)
      return void admitUser(request, access).then(() => done(), done);
    done(AppError.forbidden('Missing or invalid X-Internal-API-Key header'));
  });
}

/** The authenticated user of a `user` route; the guard has already verified the token. */
export function requireUser(request: FastifyRequest): AuthenticatedUser {
  if (!request.user) throw AppError.unauthorized();
  return request.user;
}
