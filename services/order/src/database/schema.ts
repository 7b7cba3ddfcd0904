import { idempotencyTable } from '@ecomm/platform';
import { sql } from 'drizzle-orm';
import { check, index, integer, pgSchema, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const orderSchema = pgSchema('orders');

export const idempotencyKeys = idempotencyTable(orderSchema);

export const orderStatus = orderSchema.enum('order_status', ['pending', 'paid', 'cancelled', 'refunded']);

export const orders = orderSchema.table(
  'orders',
  {
    id: uuid('id').primaryKey(),
    // Null only in a placeholder: an order id cancelled before its order was created, kept so a late create is refused.
    userId: text('user_id'),
    sessionId: text('session_id'),
    status: orderStatus('status').notNull().default('pending'),
    currency: text('currency').notNull().default('USD'),
    totalCents: integer('total_cents').notNull(),
    transactionId: uuid('transaction_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    index().on(table.userId, table.createdAt.desc()),
    check('orders_total_not_negative', sql`total_cents >= 0`),
    check('orders_paid_have_transaction', sql`status in ('pending', 'cancelled') or transaction_id is not null`),
    check(
      'orders_placeholders_cancelled_and_empty',
      sql`(user_id is null) = (session_id is null) and (user_id is not null or (status = 'cancelled' and total_cents = 0))`,
    ),
  ],
);

export const orderLines = orderSchema.table(
  'order_lines',
  {
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id, { onDelete: 'cascade' }),
    lineNumber: integer('line_number').notNull(),
    productId: integer('product_id').notNull(),
    name: text('name').notNull(),
    unitPriceCents: integer('unit_price_cents').notNull(),
    quantity: integer('quantity').notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.orderId, table.lineNumber] }),
    check('order_lines_quantity_positive', sql`quantity > 0`),
    check('order_lines_price_not_negative', sql`unit_price_cents >= 0`),
  ],
);
