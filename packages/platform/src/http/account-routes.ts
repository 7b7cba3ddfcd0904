import type {} from '@fastify/rate-limit';
import {
  accessTokenSchema,
  credentialsSchema,
  userProfileSchema,
  type AccessToken,
  type Credentials,
  type UserProfile,
} from '@ecomm/contracts';
import type { RateLimitOptions } from '@fastify/rate-limit';
import type { FastifyRequest } from 'fastify';
import type { ServiceApp } from './service-app.js';

export interface AccountHandlers {
  register: (credentials: Credentials) => Promise<UserProfile>;
  login: (credentials: Credentials) => Promise<AccessToken>;
  /** The profile of the request's user (its bearer token already checked by the access guard). */
  me: (request: FastifyRequest) => Promise<UserProfile>;
}

/**
 * The account API (register, log in, who am I): served by the auth service and relayed unchanged by the orchestrator
 * for the web app, so both declare it here once; `rateLimit` applies to registration and login.
 */
export function accountRoutes(app: ServiceApp, handlers: AccountHandlers, rateLimit: RateLimitOptions) {
  app.post(
    '/auth/register',
    {
      config: { access: 'public', rateLimit },
      schema: { body: credentialsSchema, response: { 201: userProfileSchema } },
    },
    async (request, reply) => reply.status(201).send(await handlers.register(request.body)),
  );

  app.post(
    '/auth/login',
    {
      config: { access: 'public', rateLimit },
      schema: { body: credentialsSchema, response: { 200: accessTokenSchema } },
    },
    async (request) => handlers.login(request.body),
  );

  app.get(
    '/auth/me',
    { config: { access: 'user' }, schema: { response: { 200: userProfileSchema } } },
    async (request) => handlers.me(request),
  );
}
