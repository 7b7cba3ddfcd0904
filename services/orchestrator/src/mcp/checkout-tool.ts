import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { checkoutArgumentsSchema, checkoutResultSchema, type CheckoutResult } from '@ecomm/contracts';
import { formatMoney } from '../agents/tools/tool-context.js';
import { paymentBeingConfirmed } from '../checkout/checkout-outcome.js';
import { confirmedAction } from './confirmed-action.js';
import type { McpContext } from './mcp-context.js';
import { runTool, toolResult } from './tool-results.js';

/** Checkout in two calls: a preview with a confirmation token, then the same call with the token pays. */
export function registerCheckoutTool(server: McpServer, context: McpContext) {
  const { shopping, checkout, confirmations, user, log } = context;

  server.registerTool(
    'checkout',
    {
      description:
        'Pay for your whole cart. Without `confirmation` it changes nothing and returns a preview (items, total, a confirmation token); ' +
        'called again with that token it reserves the stock, creates the order and charges the payment, all or nothing. ' +
        'If the cart changed in between it refuses and returns a fresh preview.',
      inputSchema: checkoutArgumentsSchema,
      outputSchema: checkoutResultSchema,
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
    },
    async (input) =>
      runTool(log, async () => {
        const session = await context.cartSession(input.session_id);
        const { cart, summary } = await shopping.checkoutPreview(session);
        return confirmedAction({
          confirmations,
          confirmation: input.confirmation,
          subject: { action: 'checkout', userId: user.id, target: session, lines: cart.items, amount: cart.total },
          preview: (token): CheckoutResult => ({
            status: 'confirmation_required',
            message:
              `Checking out will charge ${formatMoney(cart.total)} for ${summary}. ` +
              `Nothing has been charged yet: to pay, call checkout again with this confirmation before ${token.expires_at}.`,
            preview: { ...token, cart: { session_id: session, ...cart } },
          }),
          act: async () => {
            const paid = await checkout.checkout({ userId: user.id, sessionId: session, expectedTotal: cart.total });
            if (paid.status === 'processing') {
              return toolResult({
                status: 'processing',
                message: `${paymentBeingConfirmed(paid.order_id)} Look the order up with get_order in a minute to see which it was.`,
                order_id: paid.order_id,
              });
            }
            return toolResult({
              status: 'completed',
              message: `Order ${paid.order_id} placed and paid: ${formatMoney(paid.total_paid)}.`,
              receipt: paid,
              order_id: paid.order_id,
            });
          },
        });
      }),
  );
}
