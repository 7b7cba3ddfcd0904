import { fromCents, type Order, type RefundQuote } from '@ecomm/contracts';
import type { OrderRecord } from './order-repository.js';

const dayMs = 24 * 60 * 60 * 1000;

export function returnDeadline(record: Pick<OrderRecord, 'deliveredAt'>, returnWindowDays: number) {
  return record.deliveredAt ? new Date(record.deliveredAt.getTime() + returnWindowDays * dayMs) : null;
}

export function toOrder(record: OrderRecord, returnWindowDays: number): Order {
  return {
    order_id: record.id,
    user_id: record.userId,
    session_id: record.sessionId,
    status: record.status,
    currency: record.currency,
    total: fromCents(record.totalCents),
    transaction_id: record.transactionId,
    lines: record.lines.map((line) => ({
      product_id: line.productId,
      name: line.name,
      unit_price: fromCents(line.unitPriceCents),
      quantity: line.quantity,
      line_total: fromCents(line.unitPriceCents * line.quantity),
      returned_quantity: line.returnedQuantity,
    })),
    shipped_at: record.shippedAt?.toISOString() ?? null,
    delivered_at: record.deliveredAt?.toISOString() ?? null,
    return_deadline: returnDeadline(record, returnWindowDays)?.toISOString() ?? null,
    created_at: record.createdAt.toISOString(),
    updated_at: record.updatedAt.toISOString(),
  };
}

/** The refund of some units of an order, priced at what was paid for them: integer cents, so the sum is exact. */
export function quoteFor(
  record: OrderRecord,
  units: { productId: number; quantity: number }[],
): RefundQuote & { amountCents: number } {
  const lines = units.map(({ productId, quantity }) => {
    const line = record.lines.find((each) => each.productId === productId)!;
    return { product_id: productId, name: line.name, quantity, unitPriceCents: line.unitPriceCents };
  });
  const amountCents = lines.reduce((sum, line) => sum + line.unitPriceCents * line.quantity, 0);
  return {
    order_id: record.id,
    refund_amount: fromCents(amountCents),
    amountCents,
    lines: lines.map(({ unitPriceCents, ...line }) => ({
      ...line,
      unit_price: fromCents(unitPriceCents),
      amount: fromCents(unitPriceCents * line.quantity),
    })),
  };
}
