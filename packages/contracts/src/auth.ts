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

export const userProfileSchema = z.object({
  id: z.uuid(),
  email: z.string(),
  role: z.enum(['user', 'admin']),
  created_at: z.string(),
});

export const accessTokenSchema = z.object({
  access_token: z.string(),
  token_type: z.literal('bearer'),
  expires_in: z.number().int(),
});

export type Credentials = z.infer<typeof credentialsSchema>;
export type UserProfile = z.infer<typeof userProfileSchema>;
export type AccessToken = z.infer<typeof accessTokenSchema>;
