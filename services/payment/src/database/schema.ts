import { idempotencyTable } from '@ecomm/platform';
import { sql } from 'drizzle-orm';
import { check, index, integer, pgSchema, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

export const paymentSchema = pgSchema('payment');

export const idempotencyKeys = idempotencyTable(paymentSchema);

export const paymentStatus = paymentSchema.enum('payment_status', [
  'captured',
  'partially_refunded',
  'refunded',
  'declined',
]);

export const payments = paymentSchema.table(
  'payments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orderId: uuid('order_id').notNull(),
    amountCents: integer('amount_cents').notNull(),
    currency: text('currency').notNull(),
    status: paymentStatus('status').notNull(),
    reason: text('reason'),
    // The sum of its refunds: kept beside them so a refund checks what is left under the payment's row lock.
    refundedCents: integer('refunded_cents').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    refundedAt: timestamp('refunded_at', { withTimezone: true }),
  },
  (table) => [
    // The database, not the code, guarantees one capture per order: concurrent charges cannot both win.
    uniqueIndex('payments_one_capture_per_order')
      .on(table.orderId)
      .where(sql`status in ('captured', 'partially_refunded', 'refunded')`),
    index().on(table.orderId, table.createdAt),
    check('payments_amount_positive', sql`amount_cents > 0`),
    check('payments_refunded_within_amount', sql`refunded_cents between 0 and amount_cents`),
    check(
      'payments_status_matches_refunds',
      sql`case status when 'captured' then refunded_cents = 0 when 'partially_refunded' then refunded_cents between 1 and amount_cents - 1 when 'refunded' then refunded_cents = amount_cents else refunded_cents = 0 end`,
    ),
    check('payments_refunded_at_set', sql`(refunded_cents > 0) = (refunded_at is not null)`),
  ],
);

/** Orders whose checkout was undone: a fence no later charge of theirs gets past (see the void route). */
export const voidedOrders = paymentSchema.table('voided_orders', {
  orderId: uuid('order_id').primaryKey(),
  voidedAt: timestamp('voided_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Each refund of a payment, under the caller's id so that asking again refunds nothing more. */
export const refunds = paymentSchema.table(
  'refunds',
  {
    id: text('id').primaryKey(),
    paymentId: uuid('payment_id')
      .notNull()
      .references(() => payments.id),
    amountCents: integer('amount_cents').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index().on(table.paymentId), check('refunds_amount_positive', sql`amount_cents > 0`)],
);

/**
 * Refund ids called off before their refund was made (a cancellation or return undone before its pivot): a refund
 * still in flight under such an id arrives late and is refused, so an undone saga can never refund after all.
 */
export const voidedRefunds = paymentSchema.table('voided_refunds', {
  id: text('id').primaryKey(),
  paymentId: uuid('payment_id')
    .notNull()
    .references(() => payments.id),
  voidedAt: timestamp('voided_at', { withTimezone: true }).notNull().defaultNow(),
});
