import { idempotencyTable } from '@ecomm/platform';
import { sql } from 'drizzle-orm';
import { bigint, check, index, integer, pgSchema, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

export const productSchema = pgSchema('product');

export const idempotencyKeys = idempotencyTable(productSchema);

export const products = productSchema.table(
  'products',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    name: text('name').notNull(),
    priceCents: integer('price_cents').notNull(),
    // Releases add stock back on top of whatever an operator has set meanwhile, so leave room above 2^31.
    stock: bigint('stock', { mode: 'number' }).notNull(),
    description: text('description'),
    category: text('category'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    index('products_category_index').on(sql`lower(${table.category})`),
    check('products_price_not_negative', sql`price_cents >= 0`),
    check('products_stock_not_negative', sql`stock >= 0`),
  ],
);

export const reservationStatus = productSchema.enum('reservation_status', ['reserved', 'released']);

export const reservations = productSchema.table('reservations', {
  id: text('id').primaryKey(),
  status: reservationStatus('status').notNull().default('reserved'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  releasedAt: timestamp('released_at', { withTimezone: true }),
});

/** One line per product; name and price are copied so a replay answers exactly what the first call did. */
export const reservationLines = productSchema.table(
  'reservation_lines',
  {
    reservationId: text('reservation_id')
      .notNull()
      .references(() => reservations.id, { onDelete: 'cascade' }),
    // No foreign key: a product may be deleted once its reservations are released, and the lines stay as history.
    productId: integer('product_id').notNull(),
    name: text('name').notNull(),
    unitPriceCents: integer('unit_price_cents').notNull(),
    quantity: integer('quantity').notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.reservationId, table.productId] }),
    index('reservation_lines_product_index').on(table.productId),
    check('reservation_lines_quantity_positive', sql`quantity > 0`),
  ],
);

/** Units put back on sale (a cancelled order, returned items), once per restock id. */
export const restocks = productSchema.table('restocks', {
  id: text('id').primaryKey(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export const restockLines = productSchema.table(
  'restock_lines',
  {
    restockId: text('restock_id')
      .notNull()
      .references(() => restocks.id, { onDelete: 'cascade' }),
    // No foreign key, as for reservation lines: the restock stays as history if its product is deleted.
    productId: integer('product_id').notNull(),
    quantity: integer('quantity').notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.restockId, table.productId] }),
    check('restock_lines_quantity_positive', sql`quantity > 0`),
  ],
);
