import type { CartItem } from '@ecomm/contracts';
import { sentWithNextStatement, type Executor } from '@ecomm/platform';
import { and, asc, count, desc, eq, exists, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import { cartItems, carts } from '../database/schema.js';

export type CartRow = typeof carts.$inferSelect;

/** The same bound as a quantity in a request, so a summed line still fits a reservation. */
export const maxLineQuantity = 1_000_000;

const itemColumns = { productId: cartItems.productId, quantity: cartItems.quantity };

function toItem(row: { productId: number; quantity: number }): CartItem {
  return { product_id: row.productId, quantity: row.quantity };
}

export function createCartRepository(db: Executor) {
  /**
   * Marks the cart changed in the statement of the change itself (only when `changed` holds, if given), so a change
   * refused writes nothing at all: see `lock`, and the carts service's transaction.
   */
  const touch = (sessionId: string, changed?: SQL) =>
    db.$with('touched').as(
      db
        .update(carts)
        .set({ updatedAt: sql`now()` })
        .where(and(eq(carts.sessionId, sessionId), changed))
        .returning({ sessionId: carts.sessionId }),
    );

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
     * Holds the cart row until the transaction ends. In a statement of its own: a statement that waited for the lock
     * would go on reading the other tables (items, claims) as they were before its wait.
     */
    async lock(sessionId: string): Promise<CartRow | undefined> {
      const [cart] = await db.select().from(carts).where(eq(carts.sessionId, sessionId)).for('update');
      return cart;
    },

    /**
     * `lock`, sent in one message with the next statement (see `sentWithNextStatement`), which then runs once the lock
     * is granted, in a snapshot of its own: it answers nothing, so that statement tells whether the cart exists.
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

    async items(sessionId: string): Promise<CartItem[]> {
      const rows = await db
        .select(itemColumns)
        .from(cartItems)
        .where(eq(cartItems.sessionId, sessionId))
        .orderBy(asc(cartItems.position));
      return rows.map(toItem);
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

    /**
     * Sums into an existing line and answers the cart's items after it, in one statement; undefined when the sum would
     * pass the line maximum. Under the cart's lock, so the items read beside the change are all there are.
     */
    async addItem(sessionId: string, productId: number, quantity: number): Promise<CartItem[] | undefined> {
      const summed = sql`${cartItems.quantity} + excluded.quantity`;
      const added = db.$with('added').as(
        db
          .insert(cartItems)
          .values({ sessionId, productId, quantity })
          .onConflictDoUpdate({
            target: [cartItems.sessionId, cartItems.productId],
            set: { quantity: summed },
            setWhere: sql`${summed} <= ${maxLineQuantity}`,
          })
          .returning({ ...itemColumns, position: cartItems.position }),
      );
      // The items as they were (the statement's snapshot, taken under the lock) beside the line just added or summed.
      const before = db
        .select({ ...itemColumns, position: cartItems.position })
        .from(cartItems)
        .where(eq(cartItems.sessionId, sessionId))
        .as('before');
      const rows = await db
        .with(added, touch(sessionId, sql`exists (select from ${added})`))
        .select({
          productId: sql<number>`coalesce(${added.productId}, ${before.productId})`,
          quantity: sql<number>`coalesce(${added.quantity}, ${before.quantity})`,
          added: sql<boolean>`${added.productId} is not null`,
        })
        .from(before)
        .fullJoin(added, eq(added.productId, before.productId))
        .orderBy(sql`coalesce(${added.position}, ${before.position})`);
      if (!rows.some((row) => row.added)) return undefined;
      return rows.map(toItem);
    },

    async setItem(sessionId: string, productId: number, quantity: number) {
      await db
        .with(touch(sessionId))
        .insert(cartItems)
        .values({ sessionId, productId, quantity })
        .onConflictDoUpdate({ target: [cartItems.sessionId, cartItems.productId], set: { quantity } });
    },

    async removeItem(sessionId: string, productId: number): Promise<boolean> {
      const removed = db.$with('removed').as(
        db
          .delete(cartItems)
          .where(and(eq(cartItems.sessionId, sessionId), eq(cartItems.productId, productId)))
          .returning({ productId: cartItems.productId }),
      );
      const rows = await db
        .with(removed, touch(sessionId, sql`exists (select from ${removed})`))
        .select()
        .from(removed);
      return rows.length > 0;
    },

    async clearItems(sessionId: string) {
      await db.with(touch(sessionId)).delete(cartItems).where(eq(cartItems.sessionId, sessionId));
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
