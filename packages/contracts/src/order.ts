import { z } from 'zod';
import { clientIdSchema, pageSchema, paginationQuerySchema, priceSchema, productIdSchema, quantitySchema, toCents, userIdSchema } from './common.js';

/** The largest order total: the most a single payment may charge (priceSchema's maximum). */
export const maxOrderTotal = 1_000_000;

export const orderStatusSchema = z.enum(['pending', 'paid', 'cancelled', 'refunded']);

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
  .refine((order) => order.lines.reduce((cents, line) => cents + toCents(line.unit_price) * line.quantity, 0) <= toCents(maxOrderTotal), {
    path: ['lines'],
    message: `must add up to at most ${maxOrderTotal}`,
  });

export const orderLineSchema = z.object({
  product_id: z.number().int(),
  name: z.string(),
  unit_price: z.number(),
  quantity: z.number().int(),
  line_total: z.number(),
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
  created_at: z.string(),
  updated_at: z.string(),
});

export const orderIdParamsSchema = z.object({ order_id: z.uuid('must be a UUID') });

export const confirmOrderSchema = z.strictObject({ transaction_id: z.uuid('must be a UUID') });

export const listOrdersQuerySchema = paginationQuerySchema.extend({ user_id: userIdSchema });

export const orderPageSchema = pageSchema(orderSchema);

export type Order = z.infer<typeof orderSchema>;
export type OrderLine = z.infer<typeof orderLineSchema>;
export type OrderStatus = z.infer<typeof orderStatusSchema>;
export type CreateOrder = z.infer<typeof createOrderSchema>;
export type ConfirmOrder = z.infer<typeof confirmOrderSchema>;
export type ListOrdersQuery = z.infer<typeof listOrdersQuerySchema>;
export type OrderPage = z.infer<typeof orderPageSchema>;
