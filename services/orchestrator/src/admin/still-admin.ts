import { AppError } from '@ecomm/platform';
import type { FastifyRequest } from 'fastify';
import type { DomainClients } from '../clients/domain-clients.js';

/**
 * An admin JWT tells what its account was at login, so a revocation would reach a token only when it expires (an hour
 * by default). Operator routes are few and rarely called: each call with a token asks the auth service, which reads
 * the account, whether it is still an admin, and a revoked admin is refused at once. If the auth service cannot
 * answer, neither does the route (503): it never falls back on the token's word.
 */
export function confirmStillAdmin(accounts: DomainClients['accounts']) {
  return async (request: FastifyRequest) => {
    // The internal key (another service, `pnpm admin`) comes with no account to ask about.
    if (!request.user || !request.headers.authorization) return;
    const account = await accounts.me(request.headers.authorization).catch((error: unknown) => {
      if (error instanceof AppError && error.statusCode < 500) return undefined;
      throw error;
    });
    if (account?.role !== 'admin') {
      throw AppError.forbidden('This page is for operators; your account is no longer an admin');
    }
  };
}
