import type { CartItem, CheckoutClaimStatus } from '@ecomm/contracts';
import { idempotencyTable } from '@ecomm/platform';
import { sql } from 'drizzle-orm';
import { bigint, check, index, integer, jsonb, pgSchema, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

export const sessionSchema = pgSchema('session');

export const idempotencyKeys = idempotencyTable(sessionSchema);

/** A cart; `active_claim_id` is set while a checkout holds it, which is what "checking_out" means. */
export const carts = sessionSchema.table(
  'carts',
  {
    sessionId: text('session_id').primaryKey(),
    userId: text('user_id').notNull(),
    activeClaimId: text('active_claim_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index().on(table.userId, table.createdAt)],
);

export const cartItems = sessionSchema.table(
  'cart_items',
  {
    sessionId: text('session_id')
      .notNull()
      .references(() => carts.sessionId, { onDelete: 'cascade' }),
    productId: integer('product_id').notNull(),
    quantity: integer('quantity').notNull(),
    // Orders the lines by when they were first added; timestamps tie within one transaction.
    position: bigint('position', { mode: 'number' }).notNull().generatedAlwaysAsIdentity(),
  },
  (table) => [
    primaryKey({ columns: [table.sessionId, table.productId] }),
    check('cart_items_quantity_positive', sql`quantity > 0`),
  ],
);

export const checkoutClaims = sessionSchema.table(
  'checkout_claims',
  {
    sessionId: text('session_id')
      .notNull()
      .references(() => carts.sessionId, { onDelete: 'cascade' }),
    claimId: text('claim_id').notNull(),
    status: text('status').$type<CheckoutClaimStatus>().notNull(),
    items: jsonb('items').$type<CartItem[]>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.sessionId, table.claimId] }),
    check('checkout_claims_status_known', sql`status in ('active', 'released', 'completed')`),
  ],
);
