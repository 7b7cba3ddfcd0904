import { catalogEntry } from '@ecomm/contracts';
import { baseConfigSchema, portSchema } from '@ecomm/platform';
import { z } from 'zod';

export const orderConfigSchema = baseConfigSchema.extend({
  PORT: portSchema(catalogEntry('order').port),
  /** How many days after delivery a return is accepted. */
  RETURN_WINDOW_DAYS: z.coerce.number().int().min(0).max(3650).default(30),
});

export type OrderConfig = z.infer<typeof orderConfigSchema>;
