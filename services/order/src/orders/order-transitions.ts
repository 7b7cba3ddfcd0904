import type { OrderStatus } from '@ecomm/contracts';
import { AppError } from '@ecomm/platform';

/**
 * The order lifecycle: every move an order may make. Anything not listed here is refused. Returns are not a single
 * move: they take an order from `returnableStatuses` to the status its returned units give (see statusAfterReturns).
 */
export const orderTransitions = {
  confirm: { from: 'pending', to: 'paid' },
  // The checkout undone before payment.
  cancel: { from: 'pending', to: 'cancelled' },
  ship: { from: 'paid', to: 'shipped' },
  deliver: { from: 'shipped', to: 'delivered' },
  // A shopper's cancellation: held while its refund runs, so a shipment cannot slip in; undone only before the refund.
  beginCancellation: { from: 'paid', to: 'cancelling' },
  abortCancellation: { from: 'cancelling', to: 'paid' },
  completeCancellation: { from: 'cancelling', to: 'cancelled' },
} as const satisfies Record<string, { from: OrderStatus; to: OrderStatus }>;

export type OrderAction = keyof typeof orderTransitions;

export const returnableStatuses: readonly OrderStatus[] = ['delivered', 'partially_returned'];

/** What an order's lines say about it once some units came back. */
export function statusAfterReturns(lines: { quantity: number; returnedQuantity: number }[]): OrderStatus {
  const returned = lines.reduce((sum, line) => sum + line.returnedQuantity, 0);
  if (returned === 0) return 'delivered';
  return lines.every((line) => line.returnedQuantity === line.quantity) ? 'returned' : 'partially_returned';
}

export function illegalTransition(orderId: string, current: OrderStatus, target: OrderStatus) {
  return AppError.conflict(`Order ${orderId} cannot go from ${current} to ${target}`, {
    order_id: orderId,
    from: current,
    to: target,
  });
}
