import { cartViewSchema, conversationListSchema, sessionIdParamsSchema } from '@ecomm/contracts';
import { AppError, isAppError, requireUser, type ServiceApp } from '@ecomm/platform';
import { describeCart } from '../agents/tools/cart-view.js';
import type { DomainClients } from '../clients/domain-clients.js';

/** What the shop page reads beside the chat: the shopper's conversations and the cart of one of them. */
export async function shopRoutes(app: ServiceApp, options: { clients: DomainClients }) {
  const { clients } = options;

  app.get(
    '/conversations',
    { config: { access: 'user' }, schema: { response: { 200: conversationListSchema } } },
    async (request) => {
      const page = await clients.carts.ofUser(requireUser(request).id);
      return { items: page.items.map((cart) => ({ session_id: cart.session_id })) };
    },
  );

  app.get(
    '/cart/:session_id',
    { config: { access: 'user' }, schema: { params: sessionIdParamsSchema, response: { 200: cartViewSchema } } },
    async (request) => {
      const { session_id: sessionId } = request.params;
      const cart = await clients.carts.get(sessionId).catch((error: unknown) => {
        // A conversation that has not said anything yet has no cart: it is empty, not missing.
        if (isAppError(error) && error.statusCode === 404) return undefined;
        throw error;
      });
      if (!cart) return { session_id: sessionId, status: 'open' as const, items: [], total: 0 };
      if (cart.user_id !== requireUser(request).id) throw AppError.forbidden('This session belongs to another user');
      return { session_id: sessionId, ...(await describeCart(clients, cart)) };
    },
  );
}
