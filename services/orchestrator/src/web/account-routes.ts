import { accountRoutes, type ServiceApp } from '@ecomm/platform';
import type { DomainClients } from '../clients/domain-clients.js';

/**
 * Login and registration for the web app, relayed to the auth service so the browser talks to one origin.
 * The limit is per client IP here: the auth service sees only this service's address and lets it through.
 */
export async function accountRelayRoutes(
  app: ServiceApp,
  options: { clients: DomainClients; rateLimit: { max: number; windowMs: number } },
) {
  const { accounts } = options.clients;
  const rateLimit = { max: options.rateLimit.max, timeWindow: options.rateLimit.windowMs };

  accountRoutes(
    app,
    {
      register: (credentials) => accounts.register(credentials),
      login: (credentials) => accounts.login(credentials),
      me: (request) => accounts.me(request.headers.authorization as string),
    },
    rateLimit,
  );
}
