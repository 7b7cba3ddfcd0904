import { index, integer, text, timestamp, type PgSchema } from 'drizzle-orm/pg-core';

/** Rate-limit counters shared by a service's replicas, in its own schema: one row per key and window. */
export function rateLimitTable(schema: PgSchema) {
  return schema.table(
    'rate_limit_counters',
    {
      key: text('key').primaryKey(),
      hits: integer('hits').notNull(),
      windowEndsAt: timestamp('window_ends_at', { withTimezone: true }).notNull(),
    },
    (table) => [index().on(table.windowEndsAt)],
  );
}

export type RateLimitTable = ReturnType<typeof rateLimitTable>;
