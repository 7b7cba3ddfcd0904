import { z } from 'zod';
import {
  clientIdSchema,
  pageSchema,
  paginationQuerySchema,
  priceSchema,
  productIdSchema,
  quantitySchema,
  toCents,
  userIdSchema,
} from './common.js';

/** The largest order total: the most a single payment may charge (priceSchema's maximum). */
export const maxOrderTotal = 1_000_000;

/**
 * `cancelling`: a cancellation holds the order while its refund runs (a shipment is refused meanwhile);
 * `partially_returned` / `returned`: some / all of its units came back (each line says how many).
 */
export const orderStatusSchema = z.enum([
  'pending',
  'paid',
  'shipped',
  'delivered',
  'cancelling',
  'cancelled',
  'partially_returned',
  'returned',
]);

export const orderLineInputSchema = z.strictObject({
  product_id: productIdSchema,
  name: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
  unit_price: priceSchema,
  quantity: quantitySchema,
});

export const createOrderSchema = z
  .strictObject({
    order_id: z.uuid('must be a UUID'),
    user_id: userIdSchema,
    session_id: clientIdSchema,
    lines: z.array(orderLineInputSchema).min(1, 'must have at least one line').max(100, 'must have at most 100 lines'),
  })
  .refine(
    (order) =>
      order.lines.reduce((cents, line) => cents + toCents(line.unit_price) * line.quantity, 0) <=
      toCents(maxOrderTotal),
    {
      path: ['lines'],
      message: `must add up to at most ${maxOrderTotal}`,
    },
  )
  // Returns are counted per product: two lines of one product would each count a returned unit, refunded only once.
  .refine((order) => new Set(order.lines.map((line) => line.product_id)).size === order.lines.length, {
    path: ['lines'],
    message: 'must name each product once',
  });

export const orderLineSchema = z.object({
  product_id: z.number().int(),
  name: z.string(),
  unit_price: z.number(),
  quantity: z.number().int(),
  line_total: z.number(),
  /** Units returned, or being returned (a return still under way counts, so they cannot be returned twice). */
  returned_quantity: z.number().int(),
});

export const orderSchema = z.object({
  order_id: z.string(),
  user_id: z.string(),
  session_id: z.string(),
  status: orderStatusSchema,
  currency: z.string(),
  total: z.number(),
  transaction_id: z.string().nullable(),
  lines: z.array(orderLineSchema),
  shipped_at: z.string().nullable(),
  delivered_at: z.string().nullable(),
  /** The last moment a return is accepted: delivery plus RETURN_WINDOW_DAYS; null before delivery. */
  return_deadline: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});

export const orderIdParamsSchema = z.object({ order_id: z.uuid('must be a UUID') });

export const confirmOrderSchema = z.strictObject({ transaction_id: z.uuid('must be a UUID') });

export const listOrdersQuerySchema = paginationQuerySchema.extend({ user_id: userIdSchema });

export const orderPageSchema = pageSchema(orderSchema);

/** What a shopper asks to send back: some lines of the order, each with how many units. */
export const returnLinesSchema = z
  .array(z.strictObject({ product_id: productIdSchema, quantity: quantitySchema }))
  .min(1, 'must name at least one line')
  .max(100, 'must have at most 100 lines');

export const orderReturnRequestSchema = z.strictObject({ lines: returnLinesSchema });
export const startReturnSchema = z.strictObject({ return_id: clientIdSchema, lines: returnLinesSchema });
export const cancellationIdSchema = z.strictObject({ cancellation_id: clientIdSchema });
export const returnParamsSchema = z.object({ order_id: z.uuid('must be a UUID'), return_id: clientIdSchema });

/** A refund as the order computes it: which units, at the price paid, and their exact sum. */
export const refundQuoteSchema = z.object({
  order_id: z.string(),
  refund_amount: z.number(),
  lines: z.array(
    z.object({
      product_id: z.number().int(),
      name: z.string(),
      quantity: z.number().int(),
      unit_price: z.number(),
      amount: z.number(),
    }),
  ),
});

export const orderReturnStatusSchema = z.enum(['in_progress', 'completed', 'aborted']);

export const orderReturnSchema = refundQuoteSchema.extend({
  return_id: z.string(),
  status: orderReturnStatusSchema,
  order: orderSchema,
});

export type Order = z.infer<typeof orderSchema>;
export type OrderLine = z.infer<typeof orderLineSchema>;
export type OrderStatus = z.infer<typeof orderStatusSchema>;
export type CreateOrder = z.infer<typeof createOrderSchema>;
export type ConfirmOrder = z.infer<typeof confirmOrderSchema>;
export type ListOrdersQuery = z.infer<typeof listOrdersQuerySchema>;
export type OrderPage = z.infer<typeof orderPageSchema>;
export type ReturnLines = z.infer<typeof returnLinesSchema>;
export type RefundQuote = z.infer<typeof refundQuoteSchema>;
export type OrderReturn = z.infer<typeof orderReturnSchema>;
