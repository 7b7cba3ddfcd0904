import { accountEmailParamsSchema, setUserRoleSchema, userProfileSchema } from '@ecomm/contracts';
import { accountRoutes, internalKeyHeader, keysMatch, requireUser, type ServiceApp } from '@ecomm/platform';
import type { AccountService } from './account-service.js';

export interface AccountRoutesOptions {
  accounts: AccountService;
  rateLimit: { max: number; windowMs: number };
  internalApiKey: string;
}

export async function authRoutes(app: ServiceApp, options: AccountRoutesOptions) {
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

  accountRoutes(
    app,
    {
      register: (credentials) => accounts.register(credentials),
      login: (credentials) => accounts.login(credentials),
      me: (request) => accounts.profile(requireUser(request).id),
    },
    rateLimit,
  );

  // Internal key only (the route's default access): an admin JWT cannot make more admins, so a stolen or
  // still-valid token of a revoked admin never outlives its own expiry. Setting a role twice answers the same.
  app.put(
    '/users/by-email/:email/role',
    {
      schema: {
        params: accountEmailParamsSchema,
        body: setUserRoleSchema,
        response: { 200: userProfileSchema },
      },
    },
    async (request) => accounts.setRole(request.params.email, request.body.role),
  );
}
