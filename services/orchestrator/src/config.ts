import { baseConfigSchema, portSchema } from '@ecomm/platform';
import type { z } from 'zod';

export const orchestratorConfigSchema = baseConfigSchema.extend({
  PORT: portSchema(8000),
});

export type OrchestratorConfig = z.infer<typeof orchestratorConfigSchema>;
