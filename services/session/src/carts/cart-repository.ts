import type { CartItem } from '@ecomm/contracts';
import { sentWithNextStatement, type Executor } from '@ecomm/platform';
import { and, asc, count, desc, eq, exists, inArray, isNull, sql } from 'drizzle-orm';
import { cartItems, carts } from '../database/schema.js';

export type CartRow = typeof carts.$inferSelect;

const itemColumns = { productId: cartItems.productId, quantity: cartItems.quantity };

function toItem(row: { productId: number; quantity: number }): CartItem {
  return { product_id: row.productId, quantity: row.quantity };
}

export function createCartRepository(db: Executor) {
  return {
    /** Inserts a cart, or returns undefined when the session id is taken. */
    async insert(sessionId: string, userId: string): Promise<CartRow | undefined> {
      const [cart] = await db.insert(carts).values({ sessionId, userId }).onConflictDoNothing().returning();
      return cart;
    },

    /** The cart and its items, in one statement. */
    async findWithItems(sessionId: string): Promise<{ cart: CartRow; items: CartItem[] } | undefined> {
      const rows = await db
        .select({ cart: carts, item: itemColumns })
        .from(carts)
        .leftJoin(cartItems, eq(cartItems.sessionId, carts.sessionId))
        .where(eq(carts.sessionId, sessionId))
        .orderBy(asc(cartItems.position));
      const cart = rows[0]?.cart;
      return cart && { cart, items: rows.flatMap(({ item }) => (item ? [toItem(item)] : [])) };
    },

    /**
     * Holds the cart row until the transaction ends. Sent in one message with the next statement (see
     * `sentWithNextStatement`), which then runs once the lock is granted, in a snapshot of its own: it answers nothing,
     * so that statement tells whether the cart exists. Not joined to that statement: one that waited for the lock would
     * go on reading the other tables (items, claims) as they were before its wait.
     */
    async lockWithNextStatement(sessionId: string): Promise<void> {
      await db.execute(
        sql`${sql.raw(sentWithNextStatement)} select from ${carts} where session_id = ${sessionId} for update`,
      );
    },

    async listByUser(userId: string, limit: number, offset: number) {
      const [rows, [total]] = await Promise.all([
        db
          .select()
          .from(carts)
          .where(eq(carts.userId, userId))
          .orderBy(desc(carts.createdAt), asc(carts.sessionId))
          .limit(limit)
          .offset(offset),
        db.select({ value: count() }).from(carts).where(eq(carts.userId, userId)),
      ]);
      return { rows, total: total?.value ?? 0 };
    },

    async itemsOfMany(sessionIds: string[]): Promise<Map<string, CartItem[]>> {
      const itemsBySession = new Map<string, CartItem[]>(sessionIds.map((sessionId) => [sessionId, []]));
      if (sessionIds.length === 0) return itemsBySession;
      const rows = await db
        .select({ sessionId: cartItems.sessionId, ...itemColumns })
        .from(cartItems)
        .where(inArray(cartItems.sessionId, sessionIds))
        .orderBy(asc(cartItems.position));
      for (const row of rows) itemsBySession.get(row.sessionId)?.push(toItem(row));
      return itemsBySession;
    },

    async countOpenWithItems(): Promise<number> {
      const [row] = await db
        .select({ value: count() })
        .from(carts)
        .where(
          and(
            isNull(carts.activeClaimId),
            exists(
              db
                .select({ one: sql`1` })
                .from(cartItems)
                .where(eq(cartItems.sessionId, carts.sessionId)),
            ),
          ),
        );
      return row?.value ?? 0;
    },
  };
}
