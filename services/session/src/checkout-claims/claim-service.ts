import type { CheckoutClaim } from '@ecomm/contracts';
import { AppError } from '@ecomm/platform';
import { sessionNotFound } from '../carts/cart-service.js';
import type { CartStore } from '../database/repositories.js';
import type { ClaimRow } from './claim-repository.js';

type Repositories = Parameters<Parameters<CartStore['transaction']>[0]>[0];

function toClaim(row: ClaimRow): CheckoutClaim {
  return { session_id: row.sessionId, claim_id: row.claimId, status: row.status, items: row.items };
}

/** A real claim always holds items (an empty cart cannot be claimed); an empty released one marks an early release. */
const releasedBeforeMade = (claim: ClaimRow) => claim.status === 'released' && claim.items.length === 0;

function claimNotFound(sessionId: string, claimId: string) {
  return AppError.notFound(`Checkout claim "${claimId}" not found for session "${sessionId}"`);
}

/**
 * One checkout at a time per cart: every step locks the cart row first, and each step is
 * idempotent by claim id so the orchestrator can retry or compensate without double effects.
 */
export function createClaimService(store: CartStore) {
  /** Runs a claim's transition (release or complete) under the cart's lock; repeating it is a no-op. */
  function finish(
    sessionId: string,
    claimId: string,
    target: 'released' | 'completed',
    effect: (repositories: Repositories) => Promise<void>,
  ) {
    return store
      .transaction(async (repositories) => {
        if (!(await repositories.carts.lock(sessionId))) throw sessionNotFound(sessionId);
        const claim = await repositories.claims.find(sessionId, claimId);
        if (!claim) {
          // A release that overtakes its claim is remembered (committed, though the answer is 404), so the late
          // claim is refused instead of locking the cart for good.
          if (target === 'released') await repositories.claims.insert(sessionId, claimId, [], 'released');
          return undefined;
        }
        if (releasedBeforeMade(claim)) return undefined;
        if (claim.status === target) return toClaim(claim);
        if (claim.status !== 'active') {
          throw AppError.conflict(
            `Checkout claim "${claimId}" is already ${claim.status}; a ${claim.status} claim cannot be ${target}`,
            {
              status: claim.status,
            },
          );
        }
        await effect(repositories);
        await repositories.carts.setActiveClaim(sessionId, null);
        return toClaim(await repositories.claims.setStatus(sessionId, claimId, target));
      })
      .then((claim) => {
        if (!claim) throw claimNotFound(sessionId, claimId);
        return claim;
      });
  }

  return {
    /** Claims the cart for `userId`'s checkout; a cart of another user is refused, whatever its claims. */
    claim(sessionId: string, claimId: string, userId: string): Promise<{ claim: CheckoutClaim; created: boolean }> {
      return store.transaction(async ({ carts, claims }) => {
        const cart = await carts.lock(sessionId);
        if (!cart) throw sessionNotFound(sessionId);
        if (cart.userId !== userId) throw AppError.forbidden('This session belongs to another user');
        const existing = await claims.find(sessionId, claimId);
        if (existing && releasedBeforeMade(existing)) {
          throw AppError.conflict(`Checkout claim "${claimId}" was released before it was made; use a new claim_id`);
        }
        if (existing) return { claim: toClaim(existing), created: false };
        if (cart.activeClaimId) {
          throw AppError.conflict(
            `Cart is being checked out by claim "${cart.activeClaimId}"; try again when it finishes`,
            {
              claim_id: cart.activeClaimId,
            },
          );
        }
        const items = await carts.items(sessionId);
        if (items.length === 0) throw AppError.conflict('Cart is empty');
        const claim = await claims.insert(sessionId, claimId, items);
        await carts.setActiveClaim(sessionId, claimId);
        return { claim: toClaim(claim), created: true };
      });
    },

    async get(sessionId: string, claimId: string): Promise<CheckoutClaim> {
      const claim = await store.claims.find(sessionId, claimId);
      if (!claim || releasedBeforeMade(claim)) throw claimNotFound(sessionId, claimId);
      return toClaim(claim);
    },

    /** A compensation: the cart reopens with the items it had. */
    release(sessionId: string, claimId: string) {
      return finish(sessionId, claimId, 'released', async () => undefined);
    },

    /** The order went through: what was bought leaves the cart, which reopens for new shopping. */
    complete(sessionId: string, claimId: string) {
      return finish(sessionId, claimId, 'completed', ({ carts }) => carts.clearItems(sessionId));
    },
  };
}

export type ClaimService = ReturnType<typeof createClaimService>;
