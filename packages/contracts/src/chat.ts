import { z } from 'zod';
import { sessionIdSchema } from './common.js';
import { checkoutReceiptSchema } from './orchestrator.js';

export const chatRequestSchema = z.strictObject({
  session_id: sessionIdSchema,
  message: z.string().trim().min(1, 'must not be empty').max(2000, 'must be at most 2000 characters'),
});

export const chatResponseSchema = z.object({
  response: z.string(),
  session_id: z.string(),
  /** Orders paid during this turn, straight from the checkout saga (not from the model's words). */
  orders: z.array(checkoutReceiptSchema),
  /** The tool calls the agents made this turn, in order, with whether each succeeded: what happened, not what was said. */
  steps: z.array(z.object({ tool: z.string(), args: z.record(z.string(), z.unknown()), ok: z.boolean() })),
  /** True when the checkout agent waits for a "yes" (CHECKOUT_CONFIRMATION=required). */
  awaiting_confirmation: z.boolean(),
  usage: z.object({
    model: z.string(),
    model_calls: z.number().int(),
    input_tokens: z.number().int(),
    output_tokens: z.number().int(),
  }),
});

/** A question paused for the shopper's yes on /chat/stream: the page shows it with a button saying what a yes does. */
export const chatConfirmationSchema = z.object({
  question: z.string(),
  total: z.number().nullable(),
  /** What a yes does with `total`: the button says "Yes, pay $X" or "Yes, refund $X". */
  action: z.enum(['pay', 'refund']),
});

export type ChatConfirmation = z.infer<typeof chatConfirmationSchema>;

/** The data parts of /chat/stream beyond text and tool calls: what the page renders as cards and buttons. */
export type ChatDataParts = {
  receipt: z.infer<typeof checkoutReceiptSchema>;
  confirmation: ChatConfirmation;
};

export type ChatRequest = z.infer<typeof chatRequestSchema>;
export type ChatResponse = z.infer<typeof chatResponseSchema>;
