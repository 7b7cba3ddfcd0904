import { orderIdArgumentSchema, type Order, type OrderOperationResult, type RefundQuote } from '@ecomm/contracts';
import { tool, type ToolRunnableConfig } from '@langchain/core/tools';
import { z } from 'zod';
import { describeRefundLines, operationMessage } from '../../orders/operation-messages.js';
import type { OrderOperation, OrderService } from '../../orders/order-service.js';
import { askToConfirm, pausesForConfirmation } from './confirmation.js';
import { formatMoney, relayRefusals, shopperContext, success, ToolRefusal } from './tool-context.js';

/** An order as the agent sees it: the shopper's words, no internal fields. */
function summarise(order: Order) {
  return {
    order_id: order.order_id,
    status: order.status,
    total: order.total,
    created_at: order.created_at,
    return_deadline: order.return_deadline,
    items: order.lines.map((line) => ({
      product_id: line.product_id,
      name: line.name,
      quantity: line.quantity,
      returned_quantity: line.returned_quantity,
      unit_price: line.unit_price,
    })),
  };
}

/**
 * A cancellation's or return's answer to the agent. The refund is stated only once made: one still processing may
 * yet be undone, and its amount may not be known yet (0), which an agent would repeat as "$0.00 refunded".
 */
function operationOutcome(operation: OrderOperation, result: OrderOperationResult, quote: RefundQuote) {
  const message = operationMessage(operation, result, quote);
  const order = summarise(result.order);
  return result.status === 'completed'
    ? { order, status: result.status, refund_amount: result.refund_amount, message }
    : { order, status: result.status, message };
}

/**
 * list_orders, get_order, cancel_order and return_items. The user is the request's, never the model's; amounts
 * come from the domain's reading of the order. Each tool that moves money back states what will happen and acts
 * only on a plain yes, whatever CHECKOUT_CONFIRMATION says: a refund cannot be taken back.
 */
export function createOrderTools(orders: OrderService) {
  const listOrders = tool(
    async (_input, config: ToolRunnableConfig) =>
      relayRefusals(config, async () =>
        success({ orders: (await orders.listOrders(shopperContext(config).userId)).items.map(summarise) }),
      ),
    {
      name: 'list_orders',
      description: "The customer's orders, newest first, with status and items.",
      schema: z.object({}),
    },
  );

  const getOrder = tool(
    async (input, config: ToolRunnableConfig) =>
      relayRefusals(config, async () =>
        success({ order: summarise(await orders.getOrder(shopperContext(config).userId, input.order_id)) }),
      ),
    {
      name: 'get_order',
      description: "One of the customer's orders: status, items, returned units, return deadline.",
      schema: z.object({ order_id: orderIdArgumentSchema }),
    },
  );

  const cancelOrder = tool(
    async (input, config: ToolRunnableConfig) =>
      relayRefusals(config, async () => {
        const shopper = shopperContext(config);
        const preview = await orders.previewCancel(shopper.userId, input.order_id);
        const summary = `cancel order ${input.order_id} (${describeRefundLines(preview)}) and refund ${formatMoney(preview.refund_amount)}`;
        const answer = askToConfirm({
          question: `I will ${summary}. Reply "yes" to confirm.`,
          summary,
          total: preview.refund_amount,
          action: 'refund',
        });
        if (answer !== 'confirmed')
          throw new ToolRefusal(
            `Not confirmed, so order ${input.order_id} was not cancelled and nothing was refunded.`,
          );
        const result = await orders.cancelOrder(shopper.userId, input.order_id, { operationId: shopper.callKey });
        return success(operationOutcome('cancellation', result, preview));
      }),
    {
      name: 'cancel_order',
      description:
        'Cancel an order that has not shipped: refunds the whole payment and releases the stock. Asks the customer to confirm first.',
      schema: z.object({ order_id: orderIdArgumentSchema }),
      metadata: pausesForConfirmation,
    },
  );

  const returnItems = tool(
    async (input, config: ToolRunnableConfig) =>
      relayRefusals(config, async () => {
        const shopper = shopperContext(config);
        const preview = await orders.previewReturn(shopper.userId, input.order_id, input.lines);
        const summary = `return ${describeRefundLines(preview)} from order ${input.order_id} and refund ${formatMoney(preview.refund_amount)}`;
        const answer = askToConfirm({
          question: `I will ${summary}. Reply "yes" to confirm.`,
          summary,
          total: preview.refund_amount,
          action: 'refund',
        });
        if (answer !== 'confirmed')
          throw new ToolRefusal(`Not confirmed, so nothing from order ${input.order_id} was returned or refunded.`);
        const result = await orders.returnItems(shopper.userId, input.order_id, input.lines, {
          operationId: shopper.callKey,
        });
        return success(operationOutcome('return', result, preview));
      }),
    {
      name: 'return_items',
      description:
        'Return units of a delivered order within the return window and refund exactly them. Asks the customer to confirm first.',
      schema: z.object({
        order_id: orderIdArgumentSchema,
        lines: z
          .array(
            z.object({
              product_id: z.number().int().describe('A product id of the order'),
              quantity: z.number().int().min(1).describe('Units to return'),
            }),
          )
          .min(1),
      }),
      metadata: pausesForConfirmation,
    },
  );

  return [listOrders, getOrder, cancelOrder, returnItems];
}
