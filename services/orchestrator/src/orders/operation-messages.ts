import type { OrderOperationResult, RefundQuote } from '@ecomm/contracts';
import { formatMoney } from '../agents/tools/tool-context.js';
import type { OrderOperation } from './order-service.js';

/** The units a cancellation or return gives back, as the shopper reads them: "2 × Mug ($24.00), 1 × Lamp ($30.00)". */
export const describeRefundLines = (quote: RefundQuote) =>
  quote.lines.map((line) => `${line.quantity} × ${line.name} (${formatMoney(line.amount)})`).join(', ');

/**
 * What the chat and MCP tools tell of a cancellation or return that answered. A finished one states its refund. One
 * still processing (its deadline passed, or its process lost the run to another) promises nothing: it may yet be
 * undone, and the order's status is where its outcome shows.
 */
export function operationMessage(operation: OrderOperation, result: OrderOperationResult, quote: RefundQuote) {
  const refunded = formatMoney(result.refund_amount);
  if (operation === 'cancellation') {
    return result.status === 'completed'
      ? `Order ${result.order_id} is cancelled; ${refunded} is refunded.`
      : `The cancellation of order ${result.order_id} is still being processed: the order's status will show when it ` +
          'is cancelled and refunded.';
  }
  return result.status === 'completed'
    ? `Returned ${describeRefundLines(quote)} from order ${result.order_id}; ${refunded} is refunded.`
    : `The return of ${describeRefundLines(quote)} from order ${result.order_id} is still being processed: the ` +
        'order will show the units as returned once they are refunded.';
}
