import type { AuthenticatedUser } from '@ecomm/platform';
import type { FastifyBaseLogger } from 'fastify';
import type { DomainClients } from '../clients/domain-clients.js';
import type { CheckoutService } from '../checkout/checkout-service.js';
import type { OrderService } from '../orders/order-service.js';
import { bindSession, defaultMcpSession } from '../shopping/session-binding.js';
import type { ShoppingService } from '../shopping/shopping-service.js';
import type { Confirmations } from './confirmations.js';

export interface McpDependencies {
  clients: DomainClients;
  shopping: ShoppingService;
  checkout: CheckoutService;
  orders: OrderService;
  confirmations: Confirmations;
  log: FastifyBaseLogger;
}

/** One MCP request's view of the shop: its user (from the token, never from arguments) and their carts. */
export function mcpContext(dependencies: McpDependencies, user: AuthenticatedUser) {
  return {
    ...dependencies,
    user,
    /** The cart a tool call works on, bound to the caller; without a session id, the user's own MCP cart. */
    async cartSession(sessionId: string | undefined) {
      const session = sessionId ?? defaultMcpSession(user.id);
      await bindSession(dependencies.clients, user.id, session);
      return session;
    },
  };
}

export type McpContext = ReturnType<typeof mcpContext>;
