import { index, text, timestamp } from 'drizzle-orm/pg-core';
import { orchestratorSchema } from './schema.js';

/** One conversation per user and session; its messages live in the LangGraph checkpoint tables. */
export const chatThreads = orchestratorSchema.table(
  'chat_threads',
  {
    threadId: text('thread_id').primaryKey(),
    userId: text('user_id').notNull(),
    sessionId: text('session_id').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastActiveAt: timestamp('last_active_at', { withTimezone: true }).notNull().defaultNow(),
    /** While a turn is being answered: one turn at a time per conversation, across replicas. */
    busyUntil: timestamp('busy_until', { withTimezone: true }),
    /** Whose turn holds the lease: only its holder extends or releases it. */
    busyToken: text('busy_token'),
  },
  (table) => [index().on(table.lastActiveAt)],
);
