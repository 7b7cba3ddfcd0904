import { rateLimitTable } from '@ecomm/platform';
import { sql } from 'drizzle-orm';
import { check, pgSchema, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const authSchema = pgSchema('auth');

export const users = authSchema.table(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    email: text('email').notNull().unique(),
    passwordHash: text('password_hash').notNull(),
    /** Only the operator's grant (PUT /users/by-email/:email/role) makes an admin; registration never does. */
    role: text('role', { enum: ['user', 'admin'] })
      .notNull()
      .default('user'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [check('users_role_check', sql`${table.role} in ('user', 'admin')`)],
);

/** Login/register counters: every replica counts one IP against the same limit. */
export const rateLimitCounters = rateLimitTable(authSchema);
