import { idempotencyTable } from '@ecomm/platform';
import { sql } from 'drizzle-orm';
import { check, index, integer, pgSchema, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

export const paymentSchema = pgSchema('payment');

export const idempotencyKeys = idempotencyTable(paymentSchema);

export const paymentStatus = paymentSchema.enum('payment_status', ['captured', 'declined', 'refunded']);

export const payments = paymentSchema.table(
  'payments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orderId: uuid('order_id').notNull(),
    amountCents: integer('amount_cents').notNull(),
    currency: text('currency').notNull(),
    status: paymentStatus('status').notNull(),
    reason: text('reason'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    refundedAt: timestamp('refunded_at', { withTimezone: true }),
  },
  (table) => [
    // The database, not the code, guarantees one capture per order: concurrent charges cannot both win.
    uniqueIndex('payments_one_capture_per_order').on(table.orderId).where(sql`status in ('captured', 'refunded')`),
    index().on(table.orderId, table.createdAt),
    check('payments_amount_positive', sql`amount_cents > 0`),
    check('payments_refunded_at_set', sql`(status = 'refunded') = (refunded_at is not null)`),
  ],
);

/** Orders whose checkout was undone: a fence no later charge of theirs gets past (see the void route). */
export const voidedOrders = paymentSchema.table('voided_orders', {
  orderId: uuid('order_id').primaryKey(),
  voidedAt: timestamp('voided_at', { withTimezone: true }).notNull().defaultNow(),
});
