import type { ReturnLines } from '@ecomm/contracts';
import { AppError } from '@ecomm/platform';
import type { OrderRecord } from './order-repository.js';
import { returnableStatuses } from './order-transitions.js';
import { returnDeadline } from './order-view.js';

/**
 * The rules a shopper meets after buying, each refusal a 409 saying what they can do instead. The order service is
 * their one home: the orchestrator's previews, HTTP routes and chat tools all ask it.
 */
const refusal = (code: string, message: string, orderId: string) =>
  new AppError(409, code, message, { order_id: orderId });

/** Why this order may not be cancelled now, or undefined when it may. */
export function cancellationRefusal(order: OrderRecord): AppError | undefined {
  const id = order.id;
  switch (order.status) {
    case 'paid':
      return undefined;
    case 'pending':
      return refusal('ORDER_NOT_PAID', `Order ${id} is still being paid for; try again in a moment`, id);
    case 'cancelling':
      return refusal('ORDER_CANCELLING', `Order ${id} is already being cancelled; its refund is on the way`, id);
    case 'cancelled':
      return refusal('ORDER_CANCELLED', `Order ${id} is already cancelled`, id);
    default:
      return refusal(
        'ORDER_SHIPPED',
        `Order ${id} has already shipped, so it can no longer be cancelled; once it is delivered you can return its items instead`,
        id,
      );
  }
}

/** Merges lines naming the same product, so "2 balls" and "1 ball" in one request are 3 balls. */
export function mergeReturnLines(lines: ReturnLines) {
  const quantities = new Map<number, number>();
  for (const line of lines) quantities.set(line.product_id, (quantities.get(line.product_id) ?? 0) + line.quantity);
  return [...quantities]
    .map(([productId, quantity]) => ({ productId, quantity }))
    .sort((a, b) => a.productId - b.productId);
}

/** Why these units of this order may not be returned now, or undefined when they may. */
export function returnRefusal(
  order: OrderRecord,
  units: { productId: number; quantity: number }[],
  settings: { returnWindowDays: number; now: Date },
): AppError | undefined {
  const id = order.id;
  if (order.status === 'returned')
    return refusal('ORDER_RETURNED', `Everything in order ${id} has already been returned`, id);
  if (order.status === 'cancelled' || order.status === 'cancelling') {
    return refusal('ORDER_CANCELLED', `Order ${id} was cancelled and refunded; there is nothing to return`, id);
  }
  if (!returnableStatuses.includes(order.status)) {
    return refusal(
      'ORDER_NOT_DELIVERED',
      `Order ${id} has not been delivered yet; ` +
        `returns open once it arrives${order.status === 'paid' ? ' (until it ships, you can cancel it instead)' : ''}`,
      id,
    );
  }
  const deadline = returnDeadline(order, settings.returnWindowDays)!;
  if (settings.now > deadline) {
    return refusal(
      'RETURN_WINDOW_CLOSED',
      `The return window for order ${id} closed on ${deadline.toISOString().slice(0, 10)} (${settings.returnWindowDays} days after delivery)`,
      id,
    );
  }
  for (const unit of units) {
    const line = order.lines.find((each) => each.productId === unit.productId);
    if (!line) return refusal('NOT_IN_ORDER', `Order ${id} has no item with product id ${unit.productId}`, id);
    const left = line.quantity - line.returnedQuantity;
    if (unit.quantity > left) {
      const already = line.returnedQuantity > 0 ? `, ${line.returnedQuantity} already returned` : '';
      return refusal(
        'RETURN_QUANTITY_EXCEEDED',
        `Only ${left} of ${line.name} can be returned from order ${id} (${line.quantity} bought${already})`,
        id,
      );
    }
  }
  return undefined;
}
