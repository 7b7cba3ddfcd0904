import type { CheckoutClaim } from '@ecomm/contracts';
import { AppError } from '@ecomm/platform';
import { sessionNotFound } from '../carts/cart-service.js';
import type { CartStore } from '../database/repositories.js';
import type { ClaimState } from './claim-repository.js';

function toClaim(sessionId: string, claimId: string, claim: ClaimState): CheckoutClaim {
  return { session_id: sessionId, claim_id: claimId, status: claim.status, items: claim.items };
}

/** A real claim always holds items (an empty cart cannot be claimed); an empty released one marks an early release. */
const releasedBeforeMade = (claim: ClaimState) => claim.status === 'released' && claim.items.length === 0;

function claimNotFound(sessionId: string, claimId: string) {
  return AppError.notFound(`Checkout claim "${claimId}" not found for session "${sessionId}"`);
}

/**
 * One checkout at a time per cart: every step locks the cart row first, and each step is
 * idempotent by claim id so the orchestrator can retry or compensate without double effects.
 * Each step is two statements in one round trip, the lock and the work (the lock sent with the work, which runs once
 * the lock is granted and answers what the lock's row would have: whether the cart exists, whose it is). The work's
 * statement writes only when it succeeds, so a refusal leaves nothing to undo, and inside an idempotent request's
 * transaction the step needs no savepoint.
 */
export function createClaimService(store: CartStore) {
  /** Runs a claim's transition (release or complete) under the cart's lock; repeating it is a no-op. */
  async function finish(sessionId: string, claimId: string, target: 'released' | 'completed') {
    const claim = await store.transactionJoiningRequest(async ({ carts, claims }) => {
      await carts.lockWithNextStatement(sessionId);
      const { cartFound, found, moved } = await claims.finish(sessionId, claimId, {
        target,
        // The order went through: what was bought leaves the cart. A compensation reopens it with its items.
        emptiesCart: target === 'completed',
        // A release that overtakes its claim is remembered (committed, though the answer is 404), so the late claim
        // is refused instead of locking the cart for good.
        remembersMissing: target === 'released',
      });
      if (!cartFound) throw sessionNotFound(sessionId);
      if (!found || releasedBeforeMade(found)) return undefined;
      if (moved || found.status === target) return toClaim(sessionId, claimId, { ...found, status: target });
      throw AppError.conflict(
        `Checkout claim "${claimId}" is already ${found.status}; a ${found.status} claim cannot be ${target}`,
        { status: found.status },
      );
    });
    // Thrown once the transaction is over, so that a remembered early release is kept.
    if (!claim) throw claimNotFound(sessionId, claimId);
    return claim;
  }

  return {
    /** Claims the cart for `userId`'s checkout; a cart of another user is refused, whatever its claims. */
    claim(sessionId: string, claimId: string, userId: string): Promise<{ claim: CheckoutClaim; created: boolean }> {
      return store.transactionJoiningRequest(async ({ carts, claims }) => {
        await carts.lockWithNextStatement(sessionId);
        const { owner, existing, activeClaimId, taken } = await claims.take(sessionId, claimId, userId);
        if (owner === null) throw sessionNotFound(sessionId);
        if (owner !== userId) throw AppError.forbidden('This session belongs to another user');
        if (taken) return { claim: toClaim(sessionId, claimId, taken), created: true };
        if (existing && releasedBeforeMade(existing)) {
          throw AppError.conflict(`Checkout claim "${claimId}" was released before it was made; use a new claim_id`);
        }
        if (existing) return { claim: toClaim(sessionId, claimId, existing), created: false };
        if (activeClaimId) {
          // The message reaches shoppers as it is: the claim in progress is named only in the details.
          throw AppError.conflict('Cart is being checked out; try again when it finishes', { claim_id: activeClaimId });
        }
        throw AppError.conflict('Cart is empty');
      });
    },

    async get(sessionId: string, claimId: string): Promise<CheckoutClaim> {
      const claim = await store.claims.find(sessionId, claimId);
      if (!claim || releasedBeforeMade(claim)) throw claimNotFound(sessionId, claimId);
      return toClaim(sessionId, claimId, claim);
    },

    /** A compensation: the cart reopens with the items it had. */
    release(sessionId: string, claimId: string) {
      return finish(sessionId, claimId, 'released');
    },

    /** The order went through: what was bought leaves the cart, which reopens for new shopping. */
    complete(sessionId: string, claimId: string) {
      return finish(sessionId, claimId, 'completed');
    },
  };
}

export type ClaimService = ReturnType<typeof createClaimService>;
