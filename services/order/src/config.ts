import { baseConfigSchema, portSchema } from '@ecomm/platform';
import type { z } from 'zod';

export const orderConfigSchema = baseConfigSchema.extend({
  PORT: portSchema(8002),
});

export type OrderConfig = z.infer<typeof orderConfigSchema>;
