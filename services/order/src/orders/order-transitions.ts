import type { OrderStatus } from '@ecomm/contracts';
import { AppError } from '@ecomm/platform';

/** The order lifecycle: every move an order may make. Anything not listed here is refused. */
export const orderTransitions = {
  confirm: { from: 'pending', to: 'paid' },
  cancel: { from: 'pending', to: 'cancelled' },
  refund: { from: 'paid', to: 'refunded' },
} as const satisfies Record<string, { from: OrderStatus; to: OrderStatus }>;

export type OrderAction = keyof typeof orderTransitions;

export function illegalTransition(orderId: string, current: OrderStatus, target: OrderStatus) {
  return AppError.conflict(`Order ${orderId} cannot go from ${current} to ${target}`, { order_id: orderId, from: current, to: target });
}
