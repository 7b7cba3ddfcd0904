import { baseConfigSchema, portSchema, rateLimitSchema } from '@ecomm/platform';
import { z } from 'zod';

export const authConfigSchema = baseConfigSchema.extend({
  PORT: portSchema(8005),
  JWT_EXPIRES_IN_SECONDS: z.coerce.number().int().min(60).max(86_400 * 30).default(3600),
  BCRYPT_ROUNDS: z.coerce.number().int().min(4).max(15).default(10),
  RATE_LIMIT_AUTH: rateLimitSchema.prefault('10/minute'),
});

export type AuthConfig = z.infer<typeof authConfigSchema>;
