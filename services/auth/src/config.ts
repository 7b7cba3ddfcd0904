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
  /**
   * Removed: it made admin whoever registered a listed email, and registration verifies no email. Still read, so
   * that a deployment that sets it stops at start rather than quietly losing its admins.
   */
  ADMIN_EMAILS: z
    .custom<never>(() => false, {
      error:
        'was removed because it granted admin to anyone who registered a listed email, unverified. ' +
        'Unset it and grant admin with `pnpm admin grant <email>` (or PUT /users/by-email/<email>/role with the ' +
        'internal key); see docs/operations.md#admins',
    })
    .optional(),
});

export type AuthConfig = z.infer<typeof authConfigSchema>;
