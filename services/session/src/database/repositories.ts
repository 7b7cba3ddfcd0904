import { withTransactions, type Database, type Executor } from '@ecomm/platform';
import { createCartItemRepository } from '../carts/cart-item-repository.js';
import { createCartRepository } from '../carts/cart-repository.js';
import { createClaimRepository } from '../checkout-claims/claim-repository.js';

function createRepositories(db: Executor) {
  return { carts: createCartRepository(db), items: createCartItemRepository(db), claims: createClaimRepository(db) };
}

/**
 * Reads go straight to the pool; every change to a cart runs in `transaction`, which the domain
 * services start by locking the cart row so item changes and checkout claims on one cart take turns.
 */
export function createCartStore(db: Database) {
  return withTransactions(db, createRepositories);
}

export type CartStore = ReturnType<typeof createCartStore>;
