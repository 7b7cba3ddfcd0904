import type { Database } from '@ecomm/platform';
import { createCartRepository } from '../carts/cart-repository.js';
import { createClaimRepository } from '../checkout-claims/claim-repository.js';
import type { Executor } from './executor.js';

function createRepositories(db: Executor) {
  return { carts: createCartRepository(db), claims: createClaimRepository(db) };
}

type Repositories = ReturnType<typeof createRepositories>;

/**
 * Reads go straight to the pool; every change to a cart runs in `transaction`, which the domain
 * services start by locking the cart row so item changes and checkout claims on one cart take turns.
 */
export function createCartStore(db: Database) {
  return {
    ...createRepositories(db),
    transaction: <Result>(work: (repositories: Repositories) => Promise<Result>) =>
      db.transaction((transaction) => work(createRepositories(transaction))),
  };
}

export type CartStore = ReturnType<typeof createCartStore>;
