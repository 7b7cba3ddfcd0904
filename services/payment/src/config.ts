import { baseConfigSchema, portSchema } from '@ecomm/platform';
import type { z } from 'zod';

export const paymentConfigSchema = baseConfigSchema.extend({
  PORT: portSchema(8003),
});

export type PaymentConfig = z.infer<typeof paymentConfigSchema>;
