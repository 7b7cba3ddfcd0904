import { z } from 'zod';
import { clientIdSchema, priceSchema, salePriceSchema } from './common.js';

export const createPaymentSchema = z.strictObject({
  order_id: z.uuid('must be a UUID'),
  amount: salePriceSchema,
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, 'must be a 3-letter ISO currency code such as USD')
    .default('USD'),
});

export const paymentStatusSchema = z.enum(['captured', 'partially_refunded', 'refunded', 'declined']);

export const refundSchema = z.object({ refund_id: z.string(), amount: z.number(), created_at: z.string() });

/** A refund of part or all of what is left of a payment; `refund_id` makes it idempotent. */
export const createRefundSchema = z.strictObject({
  refund_id: clientIdSchema,
  amount: priceSchema.refine((amount) => amount >= 0.01, 'must be at least 0.01'),
});

export const paymentSchema = z.object({
  transaction_id: z.string(),
  order_id: z.string(),
  amount: z.number(),
  currency: z.string(),
  status: paymentStatusSchema,
  reason: z.string().nullable(),
  created_at: z.string(),
  /** The sum of its refunds; what the shop keeps is amount − refunded_amount. */
  refunded_amount: z.number(),
  /** When the last refund was made. */
  refunded_at: z.string().nullable(),
  refunds: z.array(refundSchema),
});

/** The 402 body of a declined charge: the usual error shape plus the decline, which is recorded. */
export const paymentDeclinedSchema = z.object({
  statusCode: z.literal(402),
  error: z.string(),
  code: z.literal('PAYMENT_DECLINED'),
  message: z.string(),
  status: z.literal('declined'),
  reason: z.string(),
  transaction_id: z.string(),
});

export const transactionIdParamsSchema = z.object({ transaction_id: z.uuid('must be a UUID') });
export const refundParamsSchema = transactionIdParamsSchema.extend({ refund_id: clientIdSchema });

export const listPaymentsQuerySchema = z.object({ order_id: z.uuid('must be a UUID') });

export const paymentListSchema = z.object({ items: z.array(paymentSchema) });

/** Test and demo switch, honoured only when the payment service runs with PAYMENT_SIMULATION=true. */
export const paymentSimulationHeader = 'x-payment-simulate';
export const paymentSimulationSchema = z.enum(['decline', 'error', 'timeout']);

export type Payment = z.infer<typeof paymentSchema>;
export type PaymentStatus = z.infer<typeof paymentStatusSchema>;
export type PaymentDeclined = z.infer<typeof paymentDeclinedSchema>;
export type PaymentList = z.infer<typeof paymentListSchema>;
export type PaymentSimulation = z.infer<typeof paymentSimulationSchema>;
export type CreatePayment = z.infer<typeof createPaymentSchema>;
export type CreateRefund = z.infer<typeof createRefundSchema>;
export type Refund = z.infer<typeof refundSchema>;
