import { z } from 'zod';
import { maxPageOffset, priceSchema, productIdSchema, quantitySchema, sessionIdSchema } from './common.js';
import { checkoutReceiptSchema, orderOperationResultSchema } from './orchestrator.js';
import { refundQuoteSchema, returnLinesSchema } from './order.js';
import { productSchema } from './product.js';

/** Arguments and results of the MCP tools (POST /mcp on the orchestrator). The user always comes from the token. */

// The same rule as /chat's session_id: a cart named "stats" could never be read, and refusing it here answers in the
// tool's words rather than in the session service's.
const sessionArgument = sessionIdSchema
  .optional()
  .describe("Which of your carts to use (bound to you on first use, like /chat's session_id); omit for your MCP cart");

const confirmationArgument = z
  .string()
  .min(1)
  .max(4096)
  .optional()
  .describe('The confirmation token from a preview; omit it to get the preview, which changes nothing');

export const searchProductsArgumentsSchema = z.object({
  query: z
    .string()
    .trim()
    .max(200)
    .optional()
    .describe('Words to match in name, category or description; omit to list everything'),
  category: z.string().trim().min(1).max(100).optional().describe('Exact category, e.g. "laptops"'),
  max_price: priceSchema.optional().describe('Only products costing at most this much'),
  sort: z.enum(['relevance', 'price_asc', 'price_desc']).optional().describe('price_asc finds the cheapest first'),
  limit: z.number().int().min(1).max(100).optional().describe('How many products to return (default 20)'),
});

export const productArgumentsSchema = z.object({
  product_id: productIdSchema.describe('The id of a product, as search_products returns it'),
});

export const cartArgumentsSchema = z.object({ session_id: sessionArgument });

export const cartLineArgumentsSchema = z.object({
  product_id: productIdSchema.describe('The id of a product, as search_products returns it'),
  quantity: quantitySchema.describe('Units: a whole number of at least 1, at most the stock'),
  session_id: sessionArgument,
});

export const removeCartLineArgumentsSchema = z.object({ product_id: productIdSchema, session_id: sessionArgument });

export const checkoutArgumentsSchema = z.object({ session_id: sessionArgument, confirmation: confirmationArgument });

export const productSummarySchema = productSchema.pick({
  id: true,
  name: true,
  price: true,
  stock: true,
  category: true,
});

export const productSearchResultSchema = z.object({ products: z.array(productSummarySchema), total: z.number().int() });

/** A cart as shoppers see it (the shop page, MCP): each line's name and current price read from the catalog. */
export const cartViewSchema = z.object({
  session_id: z.string(),
  status: z.enum(['open', 'checking_out']),
  items: z.array(
    z.object({
      product_id: z.number().int(),
      name: z.string(),
      quantity: z.number().int(),
      unit_price: z.number(),
      line_total: z.number(),
    }),
  ),
  total: z.number(),
});

const changedLineSchema = z.object({
  product_id: z.number().int(),
  name: z.string(),
  quantity: z.number().int(),
  unit_price: z.number(),
});

export const cartChangeResultSchema = z.object({
  message: z.string(),
  line: changedLineSchema.optional(),
  removed: z.number().int().optional(),
  cart: cartViewSchema,
});

/** A money-moving tool answers either a preview to confirm or what it did. */
export const confirmationPreviewSchema = z.object({
  confirmation: z.string().describe('Pass this back as `confirmation` to go ahead; single-use'),
  expires_at: z.string(),
  amount: z.number(),
});

export const checkoutResultSchema = z.object({
  status: z.enum(['confirmation_required', 'completed', 'processing']),
  message: z.string(),
  preview: confirmationPreviewSchema.extend({ cart: cartViewSchema }).optional(),
  receipt: checkoutReceiptSchema.optional(),
  order_id: z.string().optional(),
});

export type CartView = z.infer<typeof cartViewSchema>;
export type CheckoutResult = z.infer<typeof checkoutResultSchema>;

/** An order id as a tool argument (MCP and chat): a model sent something else learns what to send. */
export const orderIdArgumentSchema = z
  .uuid('must be an order id (a UUID) as list_orders returns it')
  .describe('The order id, as list_orders returns it');

export const listOrdersArgumentsSchema = z.object({
  limit: z.number().int().min(1).max(100).optional().describe('How many orders to return, newest first (default 20)'),
  offset: z
    .number()
    .int()
    .min(0)
    .max(maxPageOffset)
    .optional()
    .describe('How many to skip, to page through older orders'),
});

export const orderArgumentsSchema = z.object({ order_id: orderIdArgumentSchema });

export const cancelOrderArgumentsSchema = z.object({
  order_id: orderIdArgumentSchema,
  confirmation: confirmationArgument,
});

export const returnItemsArgumentsSchema = z.object({
  order_id: orderIdArgumentSchema,
  lines: returnLinesSchema.describe('Which products of the order to send back, and how many units of each'),
  confirmation: confirmationArgument,
});

export const orderActionResultSchema = z.object({
  status: z.enum(['confirmation_required', 'completed', 'processing']),
  message: z.string(),
  preview: confirmationPreviewSchema.extend({ refund: refundQuoteSchema }).optional(),
  result: orderOperationResultSchema.optional(),
});

export type OrderActionResult = z.infer<typeof orderActionResultSchema>;
