import type { BusinessMetrics } from '@ecomm/platform';
import type { OrderOperation } from './order-service.js';
import type { RefundData } from './refund-step.js';

const operationOf: Record<string, OrderOperation> = { order_cancellation: 'cancellation', order_return: 'return' };

/** A completed cancellation or return that gave money back: one refund, of the amount the order computed. */
export function countRefund(metrics: BusinessMetrics, sagaType: string, data: unknown) {
  const operation = operationOf[sagaType];
  const { payment, refundAmount = 0 } = data as Partial<RefundData>;
  if (!operation || !payment || refundAmount <= 0) return;
  metrics.refunds.inc({ operation });
  metrics.refundedAmount.inc({ operation }, refundAmount);
}
