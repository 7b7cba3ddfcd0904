import { AppError, isAppError } from '@ecomm/platform';
import type { DomainClients } from '../clients/domain-clients.js';

/** A session id names a cart; on first use it is bound to the caller, and another user's is refused. */
export async function bindSession(clients: DomainClients, userId: string, sessionId: string) {
  try {
    await clients.carts.open(sessionId, userId);
  } catch (error) {
    if (isAppError(error) && error.statusCode === 409) throw AppError.forbidden('This session belongs to another user');
    throw error;
  }
}
