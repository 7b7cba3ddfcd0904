import type { Executor } from '@ecomm/platform';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { cartItems, carts, checkoutClaims } from '../database/schema.js';

export type ClaimRow = typeof checkoutClaims.$inferSelect;

/** A claim as the statements below read it. */
export type ClaimState = Pick<ClaimRow, 'status' | 'items'>;

/**
 * What taking a claim found (the cart's owner, null without a cart; the claim of its id; the cart's active claim) and
 * the claim it took, if any.
 */
export type ClaimTaking = {
  owner: string | null;
  activeClaimId: string | null;
  existing: ClaimState | null;
  taken: ClaimState | null;
};

function identifies(sessionId: string, claimId: string) {
  return and(eq(checkoutClaims.sessionId, sessionId), eq(checkoutClaims.claimId, claimId));
}

// The claim steps are written as SQL rather than with drizzle's builders, which would need a `sql` fragment in nearly
// every clause of their chains of data-modifying CTEs. Each is one statement instead of the four it replaced: every
// statement is a round trip that wakes PostgreSQL and this service.
export function createClaimRepository(db: Executor) {
  return {
    /**
     * Takes the claim for `userId` in one statement, run under the cart's lock (taken by a statement before it, sent in
     * the same message: a statement that waited for the lock itself would go on reading the items and claims as they
     * were before the wait): the cart's items become an active claim and the cart's active one, unless the cart is
     * another user's, the claim id is known, another claim is active or the cart is empty. Answers what it found (the
     * cart's owner, the claim of that id, the cart's active claim) and the claim it took, if it took one: the service
     * tells each refusal from them, and a refusal has written nothing.
     */
    async take(sessionId: string, claimId: string, userId: string): Promise<ClaimTaking> {
      const { rows } = await db.execute<ClaimTaking>(sql`
        with existing as (
          select status, items from ${checkoutClaims} where session_id = ${sessionId} and claim_id = ${claimId}
        ), cart as (
          select user_id, active_claim_id, (
            select coalesce(jsonb_agg(jsonb_build_object('product_id', product_id, 'quantity', quantity) order by position), '[]')
            from ${cartItems} where session_id = ${sessionId}
          ) as items
          from ${carts} where session_id = ${sessionId}
        ), taken as (
          insert into ${checkoutClaims} (session_id, claim_id, status, items)
          select ${sessionId}, ${claimId}, 'active', items from cart
          where user_id = ${userId} and not exists (select from existing) and active_claim_id is null
            and jsonb_array_length(items) > 0
          returning status, items
        ), marked as (
          update ${carts} set active_claim_id = ${claimId}, updated_at = now()
          where session_id = ${sessionId} and exists (select from taken)
        )
        select (select user_id from cart) as owner, (select active_claim_id from cart) as "activeClaimId",
          (select to_jsonb(existing) from existing) as existing,
          (select to_jsonb(taken) from taken) as taken`);
      return rows[0]!;
    },

    /**
     * Moves an active claim to `target` in one statement, run under the cart's lock (see `take`): the cart reopens,
     * emptied if `emptiesCart`; a claim already finished is left as it is. With `remembersMissing`, an unknown claim
     * id of an existing cart is recorded as an empty released claim, so a claim made after its release is refused.
     * Answers whether the cart exists (without it, nothing is written), the claim as it was found and whether it moved.
     */
    async finish(
      sessionId: string,
      claimId: string,
      change: { target: 'released' | 'completed'; emptiesCart: boolean; remembersMissing: boolean },
    ): Promise<{ cartFound: boolean; found: ClaimState | null; moved: boolean }> {
      const { rows } = await db.execute<{ cartFound: boolean; found: ClaimState | null; moved: boolean }>(sql`
        with cart as (
          select from ${carts} where session_id = ${sessionId}
        ), found as (
          select status, items from ${checkoutClaims} where session_id = ${sessionId} and claim_id = ${claimId}
        ), remembered as (
          insert into ${checkoutClaims} (session_id, claim_id, status, items)
          select ${sessionId}, ${claimId}, 'released', '[]'::jsonb
          where ${change.remembersMissing} and exists (select from cart) and not exists (select from found)
        ), moved as (
          update ${checkoutClaims} set status = ${change.target}, updated_at = now()
          where session_id = ${sessionId} and claim_id = ${claimId} and status = 'active'
          returning status
        ), emptied as (
          delete from ${cartItems} where ${change.emptiesCart} and session_id = ${sessionId} and exists (select from moved)
        ), reopened as (
          update ${carts} set active_claim_id = null, updated_at = now()
          where session_id = ${sessionId} and exists (select from moved)
        )
        select exists (select from cart) as "cartFound", (select to_jsonb(found) from found) as found,
          exists (select from moved) as moved`);
      return rows[0]!;
    },

    async find(sessionId: string, claimId: string): Promise<ClaimRow | undefined> {
      const [claim] = await db.select().from(checkoutClaims).where(identifies(sessionId, claimId));
      return claim;
    },

    /**
     * Deletes released and completed claims finished more than `retentionHours` ago: they only guard against a late
     * retry of the same claim id, which no saga makes after that long. An active claim is never touched.
     */
    async pruneFinished(retentionHours: number) {
      const pruned = await db
        .delete(checkoutClaims)
        .where(
          and(
            inArray(checkoutClaims.status, ['released', 'completed']),
            sql`${checkoutClaims.updatedAt} < now() - make_interval(secs => ${retentionHours * 3600})`,
          ),
        )
        .returning({ claimId: checkoutClaims.claimId });
      return pruned.length;
    },
  };
}
