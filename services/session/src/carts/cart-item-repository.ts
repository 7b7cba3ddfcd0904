import type { CartItem } from '@ecomm/contracts';
import type { Executor } from '@ecomm/platform';
import { sql, type SQL } from 'drizzle-orm';
import { cartItems, carts } from '../database/schema.js';

/** The same bound as a quantity in a request, so a summed line still fits a reservation. */
export const maxLineQuantity = 1_000_000;

/**
 * What an item change found (the cart's owner, null without a cart; its active claim) and did: whether the change
 * went through, and the cart's items after it.
 */
export type ItemChange = { userId: string | null; activeClaimId: string | null; applied: boolean; items: CartItem[] };

// The item changes are written as SQL, like the claim steps: drizzle's builders would need a `sql` fragment in nearly
// every clause of their data-modifying CTEs.
export function createCartItemRepository(db: Executor) {
  /**
   * One item change in one statement, run under the cart's lock (taken by a statement before it, sent in the same
   * message: a statement that waited for the lock itself would go on reading the items as they were before the wait).
   * `lines` writes only while `open_cart` has its row (the cart exists and no checkout claims it) and returns each line
   * it wrote, with a null quantity for a line it removed; the cart is marked changed when `applied` holds, so a change
   * refused writes nothing at all. Answers what the service tells the refusals from, and the items: the ones read in the
   * statement's snapshot, taken under the lock, with what `lines` changed in place of theirs.
   */
  async function change(sessionId: string, lines: SQL, applied = sql`exists (select from changed)`) {
    const { rows } = await db.execute<ItemChange>(sql`
      with cart as (
        select user_id, active_claim_id from ${carts} where session_id = ${sessionId}
      ), open_cart as (
        select from cart where active_claim_id is null
      ), before as (
        select product_id, quantity, position from ${cartItems} where session_id = ${sessionId}
      ), changed as (
        ${lines}
      ), touched as (
        update ${carts} set updated_at = now() where session_id = ${sessionId} and ${applied}
      ), after as (
        select product_id, quantity, position from before where product_id not in (select product_id from changed)
        union all
        select product_id, quantity, position from changed where quantity is not null
      )
      select (select user_id from cart) as "userId", (select active_claim_id from cart) as "activeClaimId",
        ${applied} as applied, (
          select coalesce(jsonb_agg(jsonb_build_object('product_id', product_id, 'quantity', quantity) order by position), '[]')
          from after
        ) as items`);
    return rows[0]!;
  }

  /** Writes the line of an open cart, or `onConflict` to the line it already has. */
  const upsert = (sessionId: string, productId: number, quantity: number, onConflict: SQL) => sql`
    insert into ${cartItems} as line (session_id, product_id, quantity)
    select ${sessionId}, ${productId}::integer, ${quantity}::integer from open_cart
    on conflict (session_id, product_id) do update set ${onConflict}
    returning product_id, quantity, position`;

  /** Removes the lines of an open cart that `which` picks. */
  const removal = (sessionId: string, which: SQL) => sql`
    delete from ${cartItems} where session_id = ${sessionId} and ${which} and exists (select from open_cart)
    returning product_id, null::integer as quantity, position`;

  return {
    /** Sums into an existing line; not applied when the sum would pass the line maximum. */
    addItem(sessionId: string, productId: number, quantity: number): Promise<ItemChange> {
      const summed = sql`line.quantity + excluded.quantity`;
      return change(
        sessionId,
        upsert(sessionId, productId, quantity, sql`quantity = ${summed} where ${summed} <= ${maxLineQuantity}`),
      );
    },

    setItem(sessionId: string, productId: number, quantity: number): Promise<ItemChange> {
      return change(sessionId, upsert(sessionId, productId, quantity, sql`quantity = excluded.quantity`));
    },

    /** Not applied when the product is not in the cart. */
    removeItem(sessionId: string, productId: number): Promise<ItemChange> {
      return change(sessionId, removal(sessionId, sql`product_id = ${productId}`));
    },

    /** Applied to any open cart, an empty one too. */
    clearItems(sessionId: string): Promise<ItemChange> {
      return change(sessionId, removal(sessionId, sql`true`), sql`exists (select from open_cart)`);
    },
  };
}
