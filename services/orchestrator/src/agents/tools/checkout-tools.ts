import type { CheckoutReceipt } from '@ecomm/contracts';
import { tool, type ToolRunnableConfig } from '@langchain/core/tools';
import { interrupt } from '@langchain/langgraph';
import { isAppError } from '@ecomm/platform';
import { z } from 'zod';
import type { DomainClients } from '../../clients/domain-clients.js';
import type { CheckoutService } from '../../checkout/checkout-service.js';
import { describeCart } from './cart-view.js';
import { createViewCartTool } from './sales-tools.js';
import { failure, formatMoney, shopperContext, success } from './tool-context.js';

function describeReceipt(receipt: CheckoutReceipt) {
  const lines = receipt.items.map(
    (item) => `- ${item.quantity} × ${item.name} at ${formatMoney(item.unit_price)} = ${formatMoney(item.line_total)}`,
  );
  return [
    'Order placed and paid:',
    ...lines,
    `Order ID: ${receipt.order_id}`,
    `Transaction ID: ${receipt.transaction_id}`,
    `Total paid: ${formatMoney(receipt.total_paid)}`,
  ].join('\n');
}

function paymentBeingConfirmed(orderId: string) {
  return (
    `Your payment for order ${orderId} is being confirmed; the order is not final yet and nothing more is needed from you. ` +
    'If the payment goes through, your cart is emptied; if not, nothing is charged and your cart is restored. ' +
    'Ask me to show your cart in a minute to see which it was.'
  );
}

// The whole answer must be a plain yes: "ok, wait, no" or "sure, but first remove the keychain" are not.
const yes = /^\s*(?:yes|y|yeah|yep|yup|confirm(?:ed)?|ok(?:ay)?|sure|go ahead|pay|do it|please do)(?:[\s,.!]+(?:please|thanks|thank you|go ahead|do it|pay(?: now)?|confirm(?:ed)?))*[\s.!]*$/i;

/** What the shopper was asked to confirm; the resume carries it back so a changed cart is never paid unseen. */
interface ConfirmationRequest {
  question: string;
  total: number;
  summary: string;
}

interface ConfirmationAnswer {
  answer: string;
  asked?: ConfirmationRequest;
}

export function createCheckoutTools(clients: DomainClients, checkout: CheckoutService, options: { confirmation: boolean }) {
  const checkoutTool = tool(
    async (_input, config: ToolRunnableConfig): Promise<[string, CheckoutReceipt | null]> => {
      const shopper = shopperContext(config);
      try {
        if (options.confirmation) {
          const cart = await describeCart(clients, await clients.carts.get(shopper.sessionId));
          if (cart.items.length === 0) return [failure('Cart is empty'), null];
          const summary = cart.items.map((item) => `${item.quantity} × ${item.name} (${formatMoney(item.line_total)})`).join(', ');
          const request: ConfirmationRequest = {
            question: `You are about to pay ${formatMoney(cart.total)} for ${summary}. Reply "yes" to confirm.`,
            total: cart.total,
            summary,
          };
          // Pauses the graph; the thread's checkpoint keeps it paused across restarts until the shopper answers.
          const reply = interrupt(request) as ConfirmationAnswer | string;
          const { answer, asked } = typeof reply === 'string' ? { answer: reply, asked: undefined } : reply;
          if (!yes.test(answer)) {
            return [failure('Checkout not confirmed, so nothing was charged and the cart is unchanged.'), null];
          }
          if (asked && (asked.total !== request.total || asked.summary !== request.summary)) {
            return [failure(`The cart changed after you were asked (it is now ${formatMoney(cart.total)} for ${summary}), so nothing was charged. Ask to check out again to confirm the new total.`), null];
          }
        }
        // The conversation's session was bound to this user on its first turn (chat-service): no second ownership check.
        const result = await checkout.checkout({ userId: shopper.userId, sessionId: shopper.sessionId, ownerVerified: true });
        if (result.status === 'processing') {
          // 202: the payment's outcome is not known yet; it may still be undone. Never claim money we do not know about.
          return [success({ message: paymentBeingConfirmed(result.order_id) }), null];
        }
        return [success({ receipt: result, message: describeReceipt(result) }), result];
      } catch (error) {
        if (isAppError(error)) return [failure(error.message), null];
        throw error;
      }
    },
    {
      name: 'checkout',
      description:
        'Check out the whole cart: reserves stock, creates the order and charges the payment, all or nothing. Prices come from the catalog.',
      schema: z.object({}),
      responseFormat: 'content_and_artifact',
    },
  );

  return { viewCart: createViewCartTool(clients), checkout: checkoutTool };
}
