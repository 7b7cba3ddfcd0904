import { index, text, timestamp } from 'drizzle-orm/pg-core';
import { orchestratorSchema } from './schema.js';

/** Confirmation tokens of the MCP money-moving tools already acted on: each acts once, on any replica. */
export const usedConfirmations = orchestratorSchema.table(
  'used_confirmations',
  {
    nonce: text('nonce').primaryKey(),
    usedAt: timestamp('used_at', { withTimezone: true }).notNull().defaultNow(),
    /** After this the token is refused as expired anyway, so the row may go. */
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (table) => [index().on(table.expiresAt)],
);
