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
}
