import { accessTokenSchema, credentialsSchema, userProfileSchema } from '@ecomm/contracts';
import { internalKeyHeader, keysMatch, requireUser, type ServiceApp } from '@ecomm/platform';
import type { AccountService } from './account-service.js';

export interface AccountRoutesOptions {
  accounts: AccountService;
  rateLimit: { max: number; windowMs: number };
  internalApiKey: string;
}

export async function accountRoutes(app: ServiceApp, options: AccountRoutesOptions) {
  const { accounts } = options;
  const rateLimit = {
    max: options.rateLimit.max,
    timeWindow: options.rateLimit.windowMs,
    // The orchestrator relays the web app's logins and limits them per client IP itself; here they would all share its IP.
    allowList: (request: { headers: Record<string, unknown> }) => {
      const key = request.headers[internalKeyHeader];
      return typeof key === 'string' && keysMatch(key, options.internalApiKey);
    },
  };

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
    async (request) => accounts.profile(requireUser(request).id),
  );
}
