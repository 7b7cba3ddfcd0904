import { z } from 'zod';
import { sessionIdSchema } from './common.js';
import { sagaStatusSchema } from './orchestrator.js';

/** The shopper's conversations: one per session id, newest first as the session service lists them. */
export const conversationListSchema = z.object({ items: z.array(z.object({ session_id: z.string() })) });

export const sessionIdParamsSchema = z.object({ session_id: sessionIdSchema });

/** The operator console's live summary, counted from the services' own data. */
export const operatorSummarySchema = z.object({
  window_minutes: z.number().int(),
  checkouts_per_minute: z.number(),
  compensations_per_minute: z.number(),
  active_carts: z.number().int(),
  runs_by_status: z.partialRecord(sagaStatusSchema, z.number().int()),
});

export type OperatorSummary = z.infer<typeof operatorSummarySchema>;
