import type {} from '@fastify/rate-limit';
import { accessTokenSchema, credentialsSchema, userProfileSchema } from '@ecomm/contracts';
import type { ServiceApp } from '@ecomm/platform';
import type { DomainClients } from '../clients/domain-clients.js';

/**
 * Login and registration for the web app, relayed to the auth service so the browser talks to one origin.
 * The limit is per client IP here: the auth service sees only this service's address and lets it through.
 */
export async function accountRoutes(
  app: ServiceApp,
  options: { clients: DomainClients; rateLimit: { max: number; windowMs: number } },
) {
  const { accounts } = options.clients;
  const rateLimit = { max: options.rateLimit.max, timeWindow: options.rateLimit.windowMs };

  app.post(
    '/auth/register',
    {
      config: { access: 'public', rateLimit },
      schema: { body: credentialsSchema, response: { 201: userProfileSchema } },
    },
    async (request, reply) => reply.status(201).send(await accounts.register(request.body)),
  );

  app.post(
    '/auth/login',
    {
      config: { access: 'public', rateLimit },
      schema: { body: credentialsSchema, response: { 200: accessTokenSchema } },
    },
    async (request) => accounts.login(request.body),
  );

  app.get(
    '/auth/me',
    { config: { access: 'user' }, schema: { response: { 200: userProfileSchema } } },
    async (request) => accounts.me(request.headers.authorization as string),
  );
}
