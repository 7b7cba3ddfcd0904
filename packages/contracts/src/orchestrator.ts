import { z } from 'zod';
import { sessionIdSchema } from './common.js';
import { orderSchema } from './order.js';

export const checkoutRequestSchema = z.strictObject({ session_id: sessionIdSchema });

export const receiptLineSchema = z.object({
  product_id: z.number().int(),
  name: z.string(),
  quantity: z.number().int(),
  unit_price: z.number(),
  line_total: z.number(),
});

export const checkoutReceiptSchema = z.object({
  status: z.literal('completed'),
  saga_id: z.string(),
  order_id: z.string(),
  transaction_id: z.string(),
  total_paid: z.number(),
  items: z.array(receiptLineSchema),
});

/**
 * Not finished yet: paid but a later step is still being retried (the order will be confirmed), or the payment's
 * outcome could not be learned yet. The run finishes in the background; GET /admin/sagas/:saga_id shows it.
 */
export const checkoutProcessingSchema = z.object({
  status: z.literal('processing'),
  saga_id: z.string(),
  order_id: z.string(),
});

/** Where a saga run stands: the orchestrator's table stores these and its admin API shows them. */
export const sagaRunStatuses = [
  'running',
  'compensating',
  'completed',
  'compensated',
  'compensation_failed',
  'needs_attention',
] as const;
export const sagaStatusSchema = z.enum(sagaRunStatuses);

export const sagaStepViewSchema = z.object({
  name: z.string(),
  status: z.string(),
  attempts: z.number().int(),
  compensation_attempts: z.number().int(),
  started_at: z.string().nullable(),
  finished_at: z.string().nullable(),
  compensated_at: z.string().nullable(),
  error: z.string().nullable(),
});

export const sagaRunViewSchema = z.object({
  saga_id: z.string(),
  type: z.string(),
  status: sagaStatusSchema,
  input: z.unknown(),
  failure: z.unknown().nullable(),
  /** How often the sweep has compensated the run again since it first failed, or since an operator's last retry. */
  compensation_retries: z.number().int(),
  created_at: z.string(),
  updated_at: z.string(),
  finished_at: z.string().nullable(),
  steps: z.array(sagaStepViewSchema).optional(),
});

export type CheckoutReceipt = z.infer<typeof checkoutReceiptSchema>;
export type CheckoutProcessing = z.infer<typeof checkoutProcessingSchema>;
export type SagaRunView = z.infer<typeof sagaRunViewSchema>;

/**
 * The answer to a shopper's cancellation or return: `completed` once refunded, restocked and recorded (200);
 * `processing` when the refund is made or under way and the rest finishes in the background (202).
 */
export const orderOperationResultSchema = z.object({
  status: z.enum(['completed', 'processing']),
  saga_id: z.string(),
  order_id: z.string(),
  refund_amount: z.number(),
  order: orderSchema,
});

export type OrderOperationResult = z.infer<typeof orderOperationResultSchema>;
