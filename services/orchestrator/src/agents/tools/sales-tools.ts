import { tool, type ToolRunnableConfig } from '@langchain/core/tools';
import { z } from 'zod';
import type { ShoppingService } from '../../shopping/shopping-service.js';
import { relayRefusals, shopperContext, success } from './tool-context.js';

const productIdArgument = z.number().describe('The id of a product, exactly as returned by search_products');

const cartLineArguments = (quantity: string) =>
  z.object({ product_id: productIdArgument, quantity: z.union([z.number(), z.string()]).describe(quantity) });

export function createSalesTools(shopping: ShoppingService) {
  const searchProducts = tool(async (input) => success(await shopping.searchProducts(input)), {
    name: 'search_products',
    description:
      'Search the catalog. Returns products with their id, name, price and stock. Call it before acting on any product; never guess ids.',
    schema: z.object({
      query: z
        .string()
        .max(200)
        .optional()
        .describe('Words to match in name, category or description; omit to list everything'),
      category: z.string().max(100).optional().describe('Exact category, e.g. "laptops"'),
      max_price: z.number().min(0).optional().describe('Only products costing at most this much'),
      sort: z.enum(['relevance', 'price_asc', 'price_desc']).optional().describe('price_asc finds the cheapest first'),
      limit: z.number().int().min(1).max(100).optional().describe('How many products to return (default 20)'),
    }),
  });

  const addToCart = tool(
    async (input, config: ToolRunnableConfig) =>
      relayRefusals(config, async () => {
        const shopper = shopperContext(config);
        return success(await shopping.addToCart(shopper.sessionId, input, shopper.callKey));
      }),
    {
      name: 'add_to_cart',
      description:
        "Add a product to the shopper's cart. The price always comes from the catalog; there is no way to set it.",
      schema: cartLineArguments('How many units: a whole number of at least 1, at most the stock'),
    },
  );

  const updateCartQuantity = tool(
    async (input, config: ToolRunnableConfig) =>
      relayRefusals(config, async () => {
        const shopper = shopperContext(config);
        return success(await shopping.setQuantity(shopper.sessionId, input));
      }),
    {
      name: 'update_cart_quantity',
      description: 'Set how many units of a product the cart holds, replacing its current quantity (e.g. "make it 3").',
      schema: cartLineArguments('The new quantity: a whole number of at least 1, at most the stock'),
    },
  );

  const removeFromCart = tool(
    async (input, config: ToolRunnableConfig) =>
      relayRefusals(config, async () => {
        const shopper = shopperContext(config);
        return success(await shopping.removeFromCart(shopper.sessionId, input.product_id));
      }),
    {
      name: 'remove_from_cart',
      description: "Remove a product line from the shopper's cart.",
      schema: z.object({ product_id: productIdArgument }),
    },
  );

  return { searchProducts, addToCart, updateCartQuantity, removeFromCart, viewCart: createViewCartTool(shopping) };
}

export function createViewCartTool(shopping: ShoppingService) {
  return tool(
    async (_input, config: ToolRunnableConfig) =>
      success({ cart: await shopping.viewCart(shopperContext(config).sessionId) }),
    {
      name: 'view_cart',
      description: "Show what is in the shopper's cart, with current prices and the total.",
      schema: z.object({}),
    },
  );
}
