import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { errorCodes } from '@ecomm/contracts';
import { AppError, isAppError } from '@ecomm/platform';
import type { DomainClients } from '../clients/domain-clients.js';

const bindAttempts = 5;
const mcpCartName = /^mcp-[0-9a-f]{40}$/;

/** The cart the MCP tools use when a call names none: one per user, derived from their id. */
export const defaultMcpSession = (userId: string) =>
  `mcp-${createHash('sha256').update(userId).digest('hex').slice(0, 40)}`;

/**
 * A session id names a cart; on first use it is bound to the caller. Only the session service's word that the
 * session is another user's is a 403: the same binding still being answered for this user's other request is asked again.
 */
export async function bindSession(clients: DomainClients, userId: string, sessionId: string) {
  // A user's default MCP cart is named after their id: whoever named it first, through /chat or a tool's
  // session_id, would own it, and that user's MCP tools would be refused. Each such name is reserved for its user.
  if (mcpCartName.test(sessionId) && sessionId !== defaultMcpSession(userId))
    throw AppError.forbidden('This session belongs to another user');
  for (let attempt = 1; ; attempt++) {
    try {
      await clients.carts.open(sessionId, userId);
      return;
    } catch (error) {
      if (isAppError(error) && error.code === errorCodes.SESSION_BELONGS_TO_ANOTHER_USER)
        throw AppError.forbidden('This session belongs to another user');
      if (isAppError(error) && error.code === errorCodes.IDEMPOTENCY_IN_PROGRESS && attempt < bindAttempts) {
        await sleep(100 * attempt);
        continue;
      }
      throw error;
    }
  }
}
