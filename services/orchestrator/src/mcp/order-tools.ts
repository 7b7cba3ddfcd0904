import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import {
  cancelOrderArgumentsSchema,
  listOrdersArgumentsSchema,
  orderActionResultSchema,
  orderArgumentsSchema,
  orderPageSchema,
  orderSchema,
  returnItemsArgumentsSchema,
  type OrderActionResult,
  type OrderOperationResult,
  type RefundQuote,
} from '@ecomm/contracts';
import { formatMoney } from '../agents/tools/tool-context.js';
import { describeRefundLines, operationMessage } from '../orders/operation-messages.js';
import type { OrderOperation } from '../orders/order-service.js';
import { confirmedAction, type IssuedConfirmation } from './confirmed-action.js';
import type { McpContext } from './mcp-context.js';
import { runTool, toolResult } from './tool-results.js';

const readOnly = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };
const movesMoney = { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true };

function previewOf(what: string, tool: string, quote: RefundQuote) {
  return (token: IssuedConfirmation): OrderActionResult => ({
    status: 'confirmation_required',
    message:
      `${what} will refund ${formatMoney(quote.refund_amount)} for ${describeRefundLines(quote)}. ` +
      `Nothing has changed yet: to go ahead, call ${tool} again with this confirmation before ${token.expires_at}.`,
    preview: { ...token, refund: quote },
  });
}

function done(operation: OrderOperation, result: OrderOperationResult, quote: RefundQuote) {
  const message = operationMessage(operation, result, quote);
  return toolResult({ status: result.status, message, result } satisfies OrderActionResult);
}

/** After the purchase: the shopper's orders, cancelling and returning, with the order domain's own rules. */
export function registerOrderTools(server: McpServer, context: McpContext) {
  const { orders, confirmations, user, log } = context;

  server.registerTool(
    'list_orders',
    {
      description: 'Your orders, newest first, with their status and lines.',
      inputSchema: listOrdersArgumentsSchema,
      outputSchema: orderPageSchema,
      annotations: readOnly,
    },
    async (input) => runTool(log, async () => toolResult(await orders.listOrders(user.id, input))),
  );

  server.registerTool(
    'get_order',
    {
      description: 'One of your orders: status, lines, returned units, return deadline.',
      inputSchema: orderArgumentsSchema,
      outputSchema: orderSchema,
      annotations: readOnly,
    },
    async (input) => runTool(log, async () => toolResult(await orders.getOrder(user.id, input.order_id))),
  );

  server.registerTool(
    'cancel_order',
    {
      description:
        'Cancel a paid order that has not shipped, refunding it in full. Without `confirmation` it changes nothing and returns a preview ' +
        'with the refund and a confirmation token; called again with the token it cancels.',
      inputSchema: cancelOrderArgumentsSchema,
      outputSchema: orderActionResultSchema,
      annotations: movesMoney,
    },
    async (input) =>
      runTool(log, async () => {
        const quote = await orders.previewCancel(user.id, input.order_id);
        return confirmedAction({
          confirmations,
          confirmation: input.confirmation,
          subject: {
            action: 'cancel_order',
            userId: user.id,
            target: input.order_id,
            lines: quote.lines,
            amount: quote.refund_amount,
          },
          preview: previewOf(`Cancelling order ${input.order_id}`, 'cancel_order', quote),
          act: async (confirmed) =>
            done('cancellation', await orders.cancelOrder(user.id, input.order_id, { operationId: confirmed }), quote),
        });
      }),
  );

  server.registerTool(
    'return_items',
    {
      description:
        'Send back units of a delivered order within its return window, refunded at the price paid. Without `confirmation` it changes ' +
        'nothing and returns a preview with the refund and a confirmation token; called again with the same lines and the token it returns them.',
      inputSchema: returnItemsArgumentsSchema,
      outputSchema: orderActionResultSchema,
      annotations: movesMoney,
    },
    async (input) =>
      runTool(log, async () => {
        const quote = await orders.previewReturn(user.id, input.order_id, input.lines);
        return confirmedAction({
          confirmations,
          confirmation: input.confirmation,
          subject: {
            action: 'return_items',
            userId: user.id,
            target: input.order_id,
            lines: quote.lines,
            amount: quote.refund_amount,
          },
          preview: previewOf(`Returning from order ${input.order_id}`, 'return_items', quote),
          act: async (confirmed) =>
            done(
              'return',
              await orders.returnItems(user.id, input.order_id, input.lines, { operationId: confirmed }),
              quote,
            ),
        });
      }),
  );
}
