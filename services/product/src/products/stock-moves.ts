import type { Executor } from '@ecomm/platform';
import { asc, eq, sql } from 'drizzle-orm';
import { products } from '../database/schema.js';

export interface StockMove {
  productId: number;
  quantity: number;
}

/** `values` as one array parameter: the statement's text stays the same whatever the number of lines. */
export const arrayOf = <Value>(values: Value[], type: 'integer' | 'bigint' | 'text') =>
  sql`${sql.param(values)}::${sql.raw(type)}[]`;

/**
 * One statement that adds each move's quantity (negative to take) to its product's stock, for any number of moves.
 * It first locks the products in id order, as every statement that moves stock does, so two of them queue instead of
 * deadlocking. A product that no longer exists is skipped; the stock check constraint is the last guard.
 */
export function moveStock(executor: Executor, moves: StockMove[]) {
  const ids = arrayOf(
    moves.map((move) => move.productId),
    'integer',
  );
  const locked = executor.$with('locked').as(
    executor
      .select({ id: products.id })
      .from(products)
      .where(sql`${products.id} = any(${ids})`)
      .orderBy(asc(products.id))
      .for('update'),
  );
  const quantities = arrayOf(
    moves.map((move) => move.quantity),
    'bigint',
  );
  return executor
    .with(locked)
    .update(products)
    .set({ stock: sql`${products.stock} + moved.quantity`, updatedAt: sql`now()` })
    .from(sql`${locked} join unnest(${ids}, ${quantities}) as moved (id, quantity) on moved.id = ${locked.id}`)
    .where(eq(products.id, locked.id));
}
