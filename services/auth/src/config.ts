import { catalogEntry } from '@ecomm/contracts';
import { baseConfigSchema, portSchema, rateLimitSchema } from '@ecomm/platform';
import { z } from 'zod';

export const authConfigSchema = baseConfigSchema.extend({
  PORT: portSchema(catalogEntry('auth').port),
  JWT_EXPIRES_IN_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .max(86_400 * 30)
    .default(3600),
  BCRYPT_ROUNDS: z.coerce.number().int().min(4).max(15).default(10),
  RATE_LIMIT_AUTH: rateLimitSchema.prefault('10/minute'),
  /** Comma-separated emails whose tokens carry the admin role (the operator console). */
  ADMIN_EMAILS: z
    .string()
    .default('')
    .transform(
      (list) =>
        new Set(
          list
            .split(',')
            .map((email) => email.trim().toLowerCase())
            .filter(Boolean),
        ),
    ),
});

export type AuthConfig = z.infer<typeof authConfigSchema>;
