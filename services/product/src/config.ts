import { baseConfigSchema, portSchema } from '@ecomm/platform';
import type { z } from 'zod';

export const productConfigSchema = baseConfigSchema.extend({
  PORT: portSchema(8001),
});

export type ProductConfig = z.infer<typeof productConfigSchema>;
