import { baseConfigSchema, portSchema } from '@ecomm/platform';
import type { z } from 'zod';

export const sessionConfigSchema = baseConfigSchema.extend({
  PORT: portSchema(8004),
});

export type SessionConfig = z.infer<typeof sessionConfigSchema>;
