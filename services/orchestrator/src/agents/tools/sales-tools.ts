import { tool, type ToolRunnableConfig } from '@langchain/core/tools';
import { isAppError } from '@ecomm/platform';
import { z } from 'zod';
import type { DomainClients } from '../../clients/domain-clients.js';
import { describeCart } from './cart-view.js';
import { failure, formatMoney, relayRefusals, shopperContext, success } from './tool-context.js';

const productIdArgument = z.number().describe('The id of a product, exactly as returned by search_products');

/** Whatever the model sends, a quantity is a whole number of at least 1. */
function parseQuantity(raw: unknown): number | string {
  const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  if (typeof value !== 'number' || !Number.isFinite(value)) return `"${String(raw)}" is not a number; a quantity must be a whole number of at least 1.`;
  if (!Number.isInteger(value)) return `${value} is not a whole number; a quantity must be a whole number of at least 1.`;
  if (value < 1) return `A quantity must be at least 1; ${value} is not allowed.`;
  return value;
}

const cartLineArguments = (quantity: string) =>
  z.object({ product_id: productIdArgument, quantity: z.union([z.number(), z.string()]).describe(quantity) });

/** The product and quantity a cart write asks for, or the refusal to send back to the model. */
async function readLineRequest(clients: DomainClients, input: { product_id: number; quantity: unknown }) {
  const quantity = parseQuantity(input.quantity);
  if (typeof quantity === 'string') return quantity;
  try {
    return { product: await clients.products.get(input.product_id), quantity };
  } catch (error) {
    if (isAppError(error) && error.statusCode < 500) return `Product ${input.product_id} does not exist. Search the catalog to find the right product.`;
    throw error;
  }
}

export function createSalesTools(clients: DomainClients) {
  const searchProducts = tool(
    async (input) => {
      const page = await clients.products.search({
        ...(input.query ? { query: input.query } : {}),
        ...(input.category ? { category: input.category } : {}),
        ...(input.max_price !== undefined ? { max_price: input.max_price } : {}),
        ...(input.sort ? { sort: input.sort } : {}),
        limit: input.limit ?? 20,
      });
      const products = page.items.map(({ id, name, price, stock, category }) => ({ id, name, price, stock, category }));
      return success({ products, total: page.total });
    },
    {
      name: 'search_products',
      description:
        'Search the catalog. Returns products with their id, name, price and stock. Call it before acting on any product; never guess ids.',
      schema: z.object({
        query: z.string().max(200).optional().describe('Words to match in name, category or description; omit to list everything'),
        category: z.string().max(100).optional().describe('Exact category, e.g. "laptops"'),
        max_price: z.number().min(0).optional().describe('Only products costing at most this much'),
        sort: z.enum(['relevance', 'price_asc', 'price_desc']).optional().describe('price_asc finds the cheapest first'),
        limit: z.number().int().min(1).max(100).optional().describe('How many products to return (default 20)'),
      }),
    },
  );

  const addToCart = tool(
    async (input, config: ToolRunnableConfig) =>
      relayRefusals(async () => {
        const shopper = shopperContext(config);
        const request = await readLineRequest(clients, input);
        if (typeof request === 'string') return failure(request);
        const { product, quantity } = request;
        const cart = await clients.carts.get(shopper.sessionId);
        const inCart = cart.items.find((item) => item.product_id === product.id)?.quantity ?? 0;
        if (inCart + quantity > product.stock) {
          const room = Math.max(product.stock - inCart, 0);
          const already = inCart > 0 ? ` and ${inCart} are already in your cart` : '';
          return failure(
            `Only ${product.stock} ${product.name} in stock${already}, so I can't add ${quantity}. ` +
              (room > 0 ? `I can add up to ${room}.` : 'I cannot add more.'),
          );
        }
        const updated = await clients.carts.addItem(shopper.sessionId, product.id, quantity, shopper.callKey);
        return success({
          added: { product_id: product.id, name: product.name, quantity, unit_price: product.price },
          message: `Added ${quantity} × ${product.name} (${formatMoney(product.price)} each) to the cart.`,
          cart: await describeCart(clients, updated),
        });
      }),
    {
      name: 'add_to_cart',
      description: 'Add a product to the shopper\'s cart. The price always comes from the catalog; there is no way to set it.',
      schema: cartLineArguments('How many units: a whole number of at least 1, at most the stock'),
    },
  );

  const updateCartQuantity = tool(
    async (input, config: ToolRunnableConfig) =>
      relayRefusals(async () => {
        const shopper = shopperContext(config);
        const request = await readLineRequest(clients, input);
        if (typeof request === 'string') return failure(request);
        const { product, quantity } = request;
        if (quantity > product.stock) {
          return failure(`Only ${product.stock} ${product.name} in stock, so I can't make it ${quantity}. I can set up to ${product.stock}.`);
        }
        // A PUT sets the line: repeating it changes nothing.
        const updated = await clients.carts.setItem(shopper.sessionId, product.id, quantity);
        return success({
          updated: { product_id: product.id, name: product.name, quantity, unit_price: product.price },
          message: `The cart now has ${quantity} × ${product.name}.`,
          cart: await describeCart(clients, updated),
        });
      }),
    {
      name: 'update_cart_quantity',
      description: 'Set how many units of a product the cart holds, replacing its current quantity (e.g. "make it 3").',
      schema: cartLineArguments('The new quantity: a whole number of at least 1, at most the stock'),
    },
  );

  const removeFromCart = tool(
    async (input, config: ToolRunnableConfig) =>
      relayRefusals(async () => {
        const shopper = shopperContext(config);
        try {
          const updated = await clients.carts.removeItem(shopper.sessionId, input.product_id);
          return success({ removed: input.product_id, cart: await describeCart(clients, updated) });
        } catch (error) {
          if (isAppError(error) && error.statusCode === 404) return failure(`Product ${input.product_id} is not in the cart.`);
          throw error;
        }
      }),
    {
      name: 'remove_from_cart',
      description: 'Remove a product line from the shopper\'s cart.',
      schema: z.object({ product_id: productIdArgument }),
    },
  );

  return { searchProducts, addToCart, updateCartQuantity, removeFromCart, viewCart: createViewCartTool(clients) };
}

export function createViewCartTool(clients: DomainClients) {
  return tool(
    async (_input, config: ToolRunnableConfig) => {
      const shopper = shopperContext(config);
      return success({ cart: await describeCart(clients, await clients.carts.get(shopper.sessionId)) });
    },
    { name: 'view_cart', description: 'Show what is in the shopper\'s cart, with current prices and the total.', schema: z.object({}) },
  );
}
