import { randomUUID } from 'node:crypto';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import {
  cartArgumentsSchema,
  cartChangeResultSchema,
  cartLineArgumentsSchema,
  cartViewSchema,
  productArgumentsSchema,
  productSchema,
  productSearchResultSchema,
  removeCartLineArgumentsSchema,
  searchProductsArgumentsSchema,
} from '@ecomm/contracts';
import type { McpContext } from './mcp-context.js';
import { runTool, toolResult } from './tool-results.js';

const readOnly = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };

/** Catalog and cart tools: the same shopping rules as the chat agents' tools. */
export function registerShoppingTools(server: McpServer, context: McpContext) {
  const { shopping, log } = context;

  server.registerTool(
    'search_products',
    {
      description: 'Search the catalog: products with id, name, price and stock. Use it to find ids; never guess them.',
      inputSchema: searchProductsArgumentsSchema,
      outputSchema: productSearchResultSchema,
      annotations: readOnly,
    },
    async (input) => runTool(log, async () => toolResult(await shopping.searchProducts(input))),
  );

  server.registerTool(
    'get_product',
    {
      description: 'One product with its description, price and stock.',
      inputSchema: productArgumentsSchema,
      outputSchema: productSchema,
      annotations: readOnly,
    },
    async (input) => runTool(log, async () => toolResult(await shopping.getProduct(input.product_id))),
  );

  server.registerTool(
    'view_cart',
    {
      description: 'Your cart with current prices and the total.',
      inputSchema: cartArgumentsSchema,
      outputSchema: cartViewSchema,
      annotations: readOnly,
    },
    async (input) =>
      runTool(log, async () => {
        const session = await context.cartSession(input.session_id);
        return toolResult({ session_id: session, ...(await shopping.viewCart(session)) });
      }),
  );

  server.registerTool(
    'add_to_cart',
    {
      description:
        'Add units of a product to your cart. Prices always come from the catalog; there is no way to set one.',
      inputSchema: cartLineArgumentsSchema,
      outputSchema: cartChangeResultSchema,
      // Each call adds more units: repeating it is not idempotent.
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    },
    async (input) =>
      runTool(log, async () => {
        const session = await context.cartSession(input.session_id);
        const { added, message, cart } = await shopping.addToCart(session, input, `mcp:${randomUUID()}`);
        return toolResult({ message, line: added, cart: { session_id: session, ...cart } });
      }),
  );

  server.registerTool(
    'update_cart_quantity',
    {
      description: 'Set how many units of a product your cart holds, replacing the current quantity.',
      inputSchema: cartLineArgumentsSchema,
      outputSchema: cartChangeResultSchema,
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    async (input) =>
      runTool(log, async () => {
        const session = await context.cartSession(input.session_id);
        const { updated, message, cart } = await shopping.setQuantity(session, input);
        return toolResult({ message, line: updated, cart: { session_id: session, ...cart } });
      }),
  );

  server.registerTool(
    'remove_from_cart',
    {
      description: 'Remove a product line from your cart.',
      inputSchema: removeCartLineArgumentsSchema,
      outputSchema: cartChangeResultSchema,
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    },
    async (input) =>
      runTool(log, async () => {
        const session = await context.cartSession(input.session_id);
        const { removed, cart } = await shopping.removeFromCart(session, input.product_id);
        return toolResult({
          message: `Removed product ${removed} from the cart.`,
          removed,
          cart: { session_id: session, ...cart },
        });
      }),
  );
}
