import { catalogEntry } from '@ecomm/contracts';
import { baseConfigSchema, booleanSchema, portSchema } from '@ecomm/platform';
import { z } from 'zod';

export const paymentConfigSchema = baseConfigSchema.extend({
  PORT: portSchema(catalogEntry('payment').port),
  /** How long the stand-in gateway takes to answer each charge. */
  PAYMENT_LATENCY_MS: z.coerce.number().int().min(0).max(60_000).default(0),
  /** The share of charges the stand-in gateway declines at random, from 0 to 1. */
  PAYMENT_FAILURE_RATE: z.coerce.number().min(0).max(1).default(0),
  /** Honours the X-Payment-Simulate header; for tests and demos, never for production. */
  PAYMENT_SIMULATION: booleanSchema(false),
  /** How late a simulated `timeout` answers, after the capture is recorded. */
  PAYMENT_SIMULATED_DELAY_MS: z.coerce.number().int().min(0).max(120_000).default(10_000),
});

export type PaymentConfig = z.infer<typeof paymentConfigSchema>;
