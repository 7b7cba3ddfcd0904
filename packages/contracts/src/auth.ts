import { z } from 'zod';

export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, 'must be at most 254 characters')
  .pipe(z.email('must be a valid email address'));

export const credentialsSchema = z.strictObject({
  email: emailSchema,
  password: z.string().min(8, 'must be at least 8 characters').max(128, 'must be at most 128 characters'),
});

/** `admin` may use the operator routes; only the operator's grant makes one, never registration. */
export const userRoleSchema = z.enum(['user', 'admin'], 'must be "user" or "admin"');

export const userProfileSchema = z.object({
  id: z.uuid(),
  email: z.string(),
  role: userRoleSchema,
  created_at: z.string(),
});

/** `PUT /users/by-email/:email/role` (internal key only): the operator grants or revokes admin. */
export const accountEmailParamsSchema = z.object({ email: emailSchema });
export const setUserRoleSchema = z.strictObject({ role: userRoleSchema });

export const accessTokenSchema = z.object({
  access_token: z.string(),
  token_type: z.literal('bearer'),
  expires_in: z.number().int(),
});

export type Credentials = z.infer<typeof credentialsSchema>;
export type UserProfile = z.infer<typeof userProfileSchema>;
export type UserRole = z.infer<typeof userRoleSchema>;
export type AccessToken = z.infer<typeof accessTokenSchema>;
