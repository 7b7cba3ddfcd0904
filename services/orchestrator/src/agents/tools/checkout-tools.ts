import type { CheckoutReceipt } from '@ecomm/contracts';
import type { ToolMessage } from '@langchain/core/messages';
import { tool, type ToolRunnableConfig } from '@langchain/core/tools';
import { isAppError } from '@ecomm/platform';
import { z } from 'zod';
import { paymentBeingConfirmed } from '../../checkout/checkout-outcome.js';
import type { CheckoutService } from '../../checkout/checkout-service.js';
import type { ShoppingService } from '../../shopping/shopping-service.js';
import { askToConfirm, pausesForConfirmation, type ConfirmationRequest } from './confirmation.js';
import { createViewCartTool } from './sales-tools.js';
import { formatMoney, refusalOf, shopperContext, success, ToolRefusal } from './tool-context.js';

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

export function createCheckoutTools(
  shopping: ShoppingService,
  checkout: CheckoutService,
  options: { confirmation: boolean },
) {
  const checkoutTool = tool(
    async (_input, config: ToolRunnableConfig): Promise<[string | ToolMessage, CheckoutReceipt | null]> => {
      const shopper = shopperContext(config);
      try {
        let expectedTotal: number | undefined;
        if (options.confirmation) {
          const { cart, summary } = await shopping.checkoutPreview(shopper.sessionId);
          const request: ConfirmationRequest = {
            question: `You are about to pay ${formatMoney(cart.total)} for ${summary}. Reply "yes" to confirm.`,
            total: cart.total,
            summary,
            action: 'pay',
          };
          const answer = askToConfirm(request);
          if (answer === 'declined')
            throw new ToolRefusal('Checkout not confirmed, so nothing was charged and the cart is unchanged.');
          if (answer === 'changed') {
            throw new ToolRefusal(
              `The cart changed after you were asked (it is now ${formatMoney(cart.total)} for ${summary}), so nothing was charged. ` +
                `Ask to check out again to confirm the new total.`,
            );
          }
          expectedTotal = request.total;
        }
        const result = await checkout.checkout({
          userId: shopper.userId,
          sessionId: shopper.sessionId,
          ...(expectedTotal !== undefined ? { expectedTotal } : {}),
        });
        if (result.status === 'processing') {
          const message = `${paymentBeingConfirmed(result.order_id)} Ask me to show your cart in a minute to see which it was.`;
          return [success({ message }), null];
        }
        return [success({ receipt: result, message: describeReceipt(result) }), result];
      } catch (error) {
        if (isAppError(error) || error instanceof ToolRefusal) return [refusalOf(config, error.message), null];
        throw error;
      }
    },
    {
      name: 'checkout',
      description:
        'Check out the whole cart: reserves stock, creates the order and charges the payment, all or nothing. Prices come from the catalog.',
      schema: z.object({}),
      responseFormat: 'content_and_artifact',
      metadata: pausesForConfirmation,
    },
  );

  return { viewCart: createViewCartTool(shopping), checkout: checkoutTool };
}
