import { catalogEntry } from '@ecomm/contracts';
import { baseConfigSchema, portSchema } from '@ecomm/platform';
import { z } from 'zod';

export const sessionConfigSchema = baseConfigSchema.extend({
  PORT: portSchema(catalogEntry('session').port),
  /** Released and completed checkout claims are deleted this long after they finished. */
  CLAIM_RETENTION_HOURS: z.coerce.number().min(1).default(720),
});

export type SessionConfig = z.infer<typeof sessionConfigSchema>;
