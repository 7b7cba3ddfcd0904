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
import { maxLineQuantity, type CartRow } from './cart-repository.js';

type CartRepository = CartStore['carts'];

function toCart(row: CartRow, items: CartItem[]): Cart {
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
   * Every item change locks the cart first, so it cannot slip in beside a checkout claim's snapshot. A change may
   * answer the cart's items itself (read in its own statement); otherwise they are read after it. A change writes
   * only when it goes through (its statement marks the cart changed), so inside an idempotent request's transaction
   * it needs no savepoint.
   */
  function changeOpenCart(
    sessionId: string,
    change: (carts: CartRepository) => Promise<CartItem[] | void>,
  ): Promise<Cart> {
    return store.transactionJoiningRequest(async ({ carts }) => {
      const cart = await carts.lock(sessionId);
      if (!cart) throw sessionNotFound(sessionId);
      if (cart.activeClaimId) {
        throw AppError.conflict('Cart is being checked out; try again when it finishes', {
          claim_id: cart.activeClaimId,
        });
      }
      const items = await change(carts);
      return toCart(cart, items ?? (await carts.items(sessionId)));
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
      return changeOpenCart(sessionId, async (carts) => {
        const items = await carts.addItem(sessionId, item.product_id, item.quantity);
        if (items) return items;
        throw AppError.conflict(
          `Product ${item.product_id} would exceed ${maxLineQuantity} units in the cart; set its quantity instead`,
        );
      });
    },

    setItem(sessionId: string, productId: number, quantity: number): Promise<Cart> {
      return changeOpenCart(sessionId, (carts) => carts.setItem(sessionId, productId, quantity));
    },

    removeItem(sessionId: string, productId: number): Promise<Cart> {
      return changeOpenCart(sessionId, async (carts) => {
        if (!(await carts.removeItem(sessionId, productId))) {
          throw AppError.notFound(`Product ${productId} is not in session "${sessionId}"`);
        }
      });
    },

    clear(sessionId: string): Promise<Cart> {
      return changeOpenCart(sessionId, (carts) => carts.clearItems(sessionId));
    },

    async stats(): Promise<SessionStats> {
      return { active_carts: await store.carts.countOpenWithItems() };
    },
  };
}

export type CartService = ReturnType<typeof createCartService>;
