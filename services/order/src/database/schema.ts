import { orderReturnStatusSchema, orderStatusSchema } from '@ecomm/contracts';
import { idempotencyTable } from '@ecomm/platform';
import { sql } from 'drizzle-orm';
import { check, index, integer, pgSchema, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const orderSchema = pgSchema('orders');

/** The contract's values, typed as the non-empty tuple drizzle wants: one list of statuses, not two. */
const enumValues = <Value extends string>(options: readonly Value[]) => options as [Value, ...Value[]];

export const idempotencyKeys = idempotencyTable(orderSchema);

export const orderStatus = orderSchema.enum('order_status', enumValues(orderStatusSchema.options));

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
    // The cancellation holding the order (status cancelling) or that cancelled it: a second one is refused.
    cancellationId: text('cancellation_id'),
    // Cancellations undone (aborted) on this order: a hold of one of them still on its way, from a process that lost
    // its saga run, is refused when it lands instead of holding the order for a run that is over.
    calledOffCancellations: text('called_off_cancellations')
      .array()
      .notNull()
      .default(sql`'{}'`),
    shippedAt: timestamp('shipped_at', { withTimezone: true }),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
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
    returnedQuantity: integer('returned_quantity').notNull().default(0),
  },
  (table) => [
    primaryKey({ columns: [table.orderId, table.lineNumber] }),
    check('order_lines_quantity_positive', sql`quantity > 0`),
    check('order_lines_returned_within_quantity', sql`returned_quantity between 0 and quantity`),
    check('order_lines_price_not_negative', sql`unit_price_cents >= 0`),
  ],
);

export const orderReturnStatus = orderSchema.enum('order_return_status', enumValues(orderReturnStatusSchema.options));

/** One return of some units of an order; its id comes from the caller (the return saga), so it happens once. */
export const orderReturns = orderSchema.table(
  'order_returns',
  {
    id: text('id').primaryKey(),
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id, { onDelete: 'cascade' }),
    status: orderReturnStatus('status').notNull().default('in_progress'),
    amountCents: integer('amount_cents').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index().on(table.orderId), check('order_returns_amount_not_negative', sql`amount_cents >= 0`)],
);

export const orderReturnLines = orderSchema.table(
  'order_return_lines',
  {
    returnId: text('return_id')
      .notNull()
      .references(() => orderReturns.id, { onDelete: 'cascade' }),
    productId: integer('product_id').notNull(),
    quantity: integer('quantity').notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.returnId, table.productId] }),
    check('order_return_lines_quantity_positive', sql`quantity > 0`),
  ],
);
