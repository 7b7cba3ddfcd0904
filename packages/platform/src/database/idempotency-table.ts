import { index, integer, text, timestamp, type PgSchema } from 'drizzle-orm/pg-core';

/** Each service keeps its idempotency records in its own schema; this is the table's one definition. */
export function idempotencyTable(schema: PgSchema) {
  return schema.table(
    'idempotency_keys',
    {
      key: text('key').primaryKey(),
      requestHash: text('request_hash').notNull(),
      state: text('state', { enum: ['in_progress', 'completed'] }).notNull(),
      responseStatus: integer('response_status'),
      responseBody: text('response_body'),
      lockedAt: timestamp('locked_at', { withTimezone: true }).notNull().defaultNow(),
      createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    },
    (table) => [index().on(table.createdAt)],
  );
}

export type IdempotencyTable = ReturnType<typeof idempotencyTable>;
