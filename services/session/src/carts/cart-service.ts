import { randomUUID } from 'node:crypto';
import {
  errorCodes,
  type AddCartItem,
  type Cart,
  type CartItem,
  type CartPage,
  type CreateSession,
  type ListSessionsQuery,
  type SessionStats,
} from '@ecomm/contracts';
import { AppError } from '@ecomm/platform';
import type { CartStore } from '../database/repositories.js';
import { maxLineQuantity, type ItemChange } from './cart-item-repository.js';
import type { CartRow } from './cart-repository.js';

type ItemRepository = CartStore['items'];

function toCart(row: Pick<CartRow, 'sessionId' | 'userId' | 'activeClaimId'>, items: CartItem[]): Cart {
  return {
    session_id: row.sessionId,
    user_id: row.userId,
    status: row.activeClaimId ? 'checking_out' : 'open',
    items,
  };
}

export function sessionNotFound(sessionId: string) {
  return AppError.notFound(`Session "${sessionId}" not found`);
}

export function createCartService(store: CartStore) {
  /**
   * Every item change locks the cart first, so it cannot slip in beside a checkout claim's snapshot: the lock sent
   * with the change's statement, which runs once it is granted and answers what the lock's row would have (whether the
   * cart exists, whether a claim holds it) with the items after the change. The statement writes only when the change
   * goes through (it marks the cart changed then), so a refusal leaves nothing to undo, and inside an idempotent
   * request's transaction the change needs no savepoint. `refusal` is the answer when an open cart's change did not go
   * through.
   */
  function changeOpenCart(
    sessionId: string,
    change: (items: ItemRepository) => Promise<ItemChange>,
    refusal?: () => AppError,
  ): Promise<Cart> {
    return store.transactionJoiningRequest(async ({ carts, items }) => {
      await carts.lockWithNextStatement(sessionId);
      const { userId, activeClaimId, applied, items: changed } = await change(items);
      if (userId === null) throw sessionNotFound(sessionId);
      if (activeClaimId) {
        throw AppError.conflict('Cart is being checked out; try again when it finishes', { claim_id: activeClaimId });
      }
      if (!applied && refusal) throw refusal();
      return toCart({ sessionId, userId, activeClaimId }, changed);
    });
  }

  return {
    async create(request: CreateSession): Promise<{ cart: Cart; created: boolean }> {
      const sessionId = request.session_id ?? randomUUID();
      const inserted = await store.carts.insert(sessionId, request.user_id);
      if (inserted) return { cart: toCart(inserted, []), created: true };
      // Carts are never deleted, so a taken id always has a row to compare owners with.
      const existing = await store.carts.findWithItems(sessionId);
      if (!existing || existing.cart.userId !== request.user_id) {
        throw new AppError(
          409,
          errorCodes.SESSION_BELONGS_TO_ANOTHER_USER,
          `Session "${sessionId}" already exists and belongs to another user`,
        );
      }
      return { cart: toCart(existing.cart, existing.items), created: false };
    },

    async get(sessionId: string): Promise<Cart> {
      const found = await store.carts.findWithItems(sessionId);
      if (!found) throw sessionNotFound(sessionId);
      return toCart(found.cart, found.items);
    },

    async list(query: ListSessionsQuery): Promise<CartPage> {
      const { rows, total } = await store.carts.listByUser(query.user_id, query.limit, query.offset);
      const items = await store.carts.itemsOfMany(rows.map((row) => row.sessionId));
      return {
        items: rows.map((row) => toCart(row, items.get(row.sessionId) ?? [])),
        total,
        limit: query.limit,
        offset: query.offset,
      };
    },

    addItem(sessionId: string, item: AddCartItem): Promise<Cart> {
      return changeOpenCart(
        sessionId,
        (items) => items.addItem(sessionId, item.product_id, item.quantity),
        () =>
          AppError.conflict(
            `Product ${item.product_id} would exceed ${maxLineQuantity} units in the cart; set its quantity instead`,
          ),
      );
    },

    setItem(sessionId: string, productId: number, quantity: number): Promise<Cart> {
      return changeOpenCart(sessionId, (items) => items.setItem(sessionId, productId, quantity));
    },

    removeItem(sessionId: string, productId: number): Promise<Cart> {
      return changeOpenCart(
        sessionId,
        (items) => items.removeItem(sessionId, productId),
        () => AppError.notFound(`Product ${productId} is not in session "${sessionId}"`),
      );
    },

    clear(sessionId: string): Promise<Cart> {
      return changeOpenCart(sessionId, (items) => items.clearItems(sessionId));
    },

    async stats(): Promise<SessionStats> {
      return { active_carts: await store.carts.countOpenWithItems() };
    },
  };
}

export type CartService = ReturnType<typeof createCartService>;
