import { AppError, isAppError } from '@ecomm/platform';
import { describeCart } from '../agents/tools/cart-view.js';
import type { DomainClients } from '../clients/domain-clients.js';
import { formatMoney } from '../agents/tools/tool-context.js';

export interface ProductSearch {
  query?: string | undefined;
  category?: string | undefined;
  max_price?: number | undefined;
  sort?: 'relevance' | 'price_asc' | 'price_desc' | undefined;
  limit?: number | undefined;
}

/** Whatever a caller sends, a quantity is a whole number of at least 1; a refusal says what is wrong. */
function parseQuantity(raw: unknown): number {
  const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw AppError.badRequest(`"${String(raw)}" is not a number; a quantity must be a whole number of at least 1.`);
  if (!Number.isInteger(value))
    throw AppError.badRequest(`${value} is not a whole number; a quantity must be a whole number of at least 1.`);
  if (value < 1) throw AppError.badRequest(`A quantity must be at least 1; ${value} is not allowed.`);
  return value;
}

/**
 * The shopping rules every front door shares (the LangGraph tools, the MCP tools): stock limits, prices from the
 * catalog only, refusals a person can act on (thrown as 4xx AppErrors). The caller has already bound the session
 * to its user.
 */
export function createShoppingService(clients: DomainClients) {
  async function getProduct(productId: number) {
    try {
      return await clients.products.get(productId);
    } catch (error) {
      if (isAppError(error) && error.statusCode < 500)
        throw AppError.notFound(`Product ${productId} does not exist. Search the catalog to find the right product.`);
      throw error;
    }
  }

  /** The product and quantity a cart write asks for. */
  async function readLineRequest(input: { product_id: number; quantity: unknown }) {
    const quantity = parseQuantity(input.quantity);
    return { product: await getProduct(input.product_id), quantity };
  }

  return {
    getProduct,

    async searchProducts(input: ProductSearch) {
      const page = await clients.products.search({
        ...(input.query ? { query: input.query } : {}),
        ...(input.category ? { category: input.category } : {}),
        ...(input.max_price !== undefined ? { max_price: input.max_price } : {}),
        ...(input.sort ? { sort: input.sort } : {}),
        limit: input.limit ?? 20,
      });
      const products = page.items.map(({ id, name, price, stock, category }) => ({ id, name, price, stock, category }));
      return { products, total: page.total };
    },

    viewCart: async (sessionId: string) => describeCart(clients, await clients.carts.get(sessionId)),

    async addToCart(sessionId: string, input: { product_id: number; quantity: unknown }, idempotencyKey: string) {
      const { product, quantity } = await readLineRequest(input);
      const cart = await clients.carts.get(sessionId);
      const inCart = cart.items.find((item) => item.product_id === product.id)?.quantity ?? 0;
      if (inCart + quantity > product.stock) {
        const room = Math.max(product.stock - inCart, 0);
        const already = inCart > 0 ? ` and ${inCart} are already in your cart` : '';
        throw AppError.conflict(
          `Only ${product.stock} ${product.name} in stock${already}, so I can't add ${quantity}. ` +
            (room > 0 ? `I can add up to ${room}.` : 'I cannot add more.'),
        );
      }
      const updated = await clients.carts.addItem(sessionId, product.id, quantity, idempotencyKey);
      return {
        added: { product_id: product.id, name: product.name, quantity, unit_price: product.price },
        message: `Added ${quantity} × ${product.name} (${formatMoney(product.price)} each) to the cart.`,
        cart: await describeCart(clients, updated, [product]),
      };
    },

    async setQuantity(sessionId: string, input: { product_id: number; quantity: unknown }) {
      const { product, quantity } = await readLineRequest(input);
      if (quantity > product.stock) {
        throw AppError.conflict(
          `Only ${product.stock} ${product.name} in stock, so I can't make it ${quantity}. I can set up to ${product.stock}.`,
        );
      }
      // A PUT sets the line: repeating it changes nothing.
      const updated = await clients.carts.setItem(sessionId, product.id, quantity);
      return {
        updated: { product_id: product.id, name: product.name, quantity, unit_price: product.price },
        message: `The cart now has ${quantity} × ${product.name}.`,
        cart: await describeCart(clients, updated, [product]),
      };
    },

    async removeFromCart(sessionId: string, productId: number) {
      try {
        const updated = await clients.carts.removeItem(sessionId, productId);
        return { removed: productId, cart: await describeCart(clients, updated) };
      } catch (error) {
        if (isAppError(error) && error.statusCode === 404)
          throw AppError.notFound(`Product ${productId} is not in the cart.`);
        throw error;
      }
    },

    /** What checking out the cart now would buy; refuses an empty cart. */
    async checkoutPreview(sessionId: string) {
      const cart = await describeCart(clients, await clients.carts.get(sessionId));
      if (cart.items.length === 0) throw AppError.unprocessable('Cart is empty');
      const summary = cart.items
        .map((item) => `${item.quantity} × ${item.name} (${formatMoney(item.line_total)})`)
        .join(', ');
      return { cart, summary };
    },
  };
}

export type ShoppingService = ReturnType<typeof createShoppingService>;
