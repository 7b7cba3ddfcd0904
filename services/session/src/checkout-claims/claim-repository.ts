import type { CartItem, CheckoutClaimStatus } from '@ecomm/contracts';
import type { Executor } from '@ecomm/platform';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { checkoutClaims } from '../database/schema.js';

export type ClaimRow = typeof checkoutClaims.$inferSelect;

function identifies(sessionId: string, claimId: string) {
  return and(eq(checkoutClaims.sessionId, sessionId), eq(checkoutClaims.claimId, claimId));
}

export function createClaimRepository(db: Executor) {
  return {
    async insert(
      sessionId: string,
      claimId: string,
      items: CartItem[],
      status: CheckoutClaimStatus = 'active',
    ): Promise<ClaimRow> {
      const [claim] = await db.insert(checkoutClaims).values({ sessionId, claimId, status, items }).returning();
      if (!claim) throw new Error('insert returned no checkout claim');
      return claim;
    },

    async find(sessionId: string, claimId: string): Promise<ClaimRow | undefined> {
      const [claim] = await db.select().from(checkoutClaims).where(identifies(sessionId, claimId));
      return claim;
    },

    async setStatus(sessionId: string, claimId: string, status: CheckoutClaimStatus): Promise<ClaimRow> {
      const [claim] = await db
        .update(checkoutClaims)
        .set({ status, updatedAt: sql`now()` })
        .where(identifies(sessionId, claimId))
        .returning();
      if (!claim) throw new Error(`checkout claim ${claimId} vanished inside its cart's lock`);
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
