import { z } from 'zod';
import { sagaStatusSchema } from './orchestrator.js';

/** A cart line as the shop page shows it: the product's name and current price read from the catalog. */
export const cartViewLineSchema = z.object({
  product_id: z.number().int(),
  name: z.string(),
  unit_price: z.number(),
  quantity: z.number().int(),
  line_total: z.number(),
});

export const cartViewSchema = z.object({
  session_id: z.string(),
  status: z.enum(['open', 'checking_out']),
  items: z.array(cartViewLineSchema),
  total: z.number(),
});

/** The shopper's conversations: one per session id, newest first as the session service lists them. */
export const conversationListSchema = z.object({ items: z.array(z.object({ session_id: z.string() })) });

export const sessionIdParamsSchema = z.object({ session_id: z.string().min(1).max(128) });

/** The operator console's live summary, counted from the services' own data. */
export const operatorSummarySchema = z.object({
  window_minutes: z.number().int(),
  checkouts_per_minute: z.number(),
  compensations_per_minute: z.number(),
  active_carts: z.number().int(),
  runs_by_status: z.partialRecord(sagaStatusSchema, z.number().int()),
});

export type CartView = z.infer<typeof cartViewSchema>;
export type OperatorSummary = z.infer<typeof operatorSummarySchema>;
