import { sagaRunStatuses } from '@ecomm/contracts';
import { idempotencyTable, rateLimitTable } from '@ecomm/platform';
import { index, integer, jsonb, pgSchema, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const orchestratorSchema = pgSchema('orchestrator');

export const idempotencyKeys = idempotencyTable(orchestratorSchema);

export const rateLimitCounters = rateLimitTable(orchestratorSchema);

export const sagaStepStatuses = [
  'pending',
  'running',
  'succeeded',
  'failed',
  'compensated',
  'compensation_failed',
] as const;

export const sagaRuns = orchestratorSchema.table(
  'saga_runs',
  {
    id: uuid('id').primaryKey(),
    type: text('type').notNull(),
    status: text('status', { enum: sagaRunStatuses }).notNull(),
    input: jsonb('input').notNull(),
    data: jsonb('data').notNull().default({}),
    failure: jsonb('failure'),
    /** Fencing token: bumped on every take-over; every write of the run is conditional on it. */
    ownerVersion: integer('owner_version').notNull().default(0),
    /**
     * How often the sweep has taken this run up again since its compensation first failed (an operator's retry resets
     * it).
     */
    compensationRetries: integer('compensation_retries').notNull().default(0),
    heartbeatAt: timestamp('heartbeat_at', { withTimezone: true }).notNull().defaultNow(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (table) => [index().on(table.status, table.heartbeatAt), index().on(table.createdAt)],
);

export const sagaSteps = orchestratorSchema.table(
  'saga_steps',
  {
    sagaId: uuid('saga_id')
      .notNull()
      .references(() => sagaRuns.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    name: text('name').notNull(),
    status: text('status', { enum: sagaStepStatuses }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    compensationAttempts: integer('compensation_attempts').notNull().default(0),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    compensatedAt: timestamp('compensated_at', { withTimezone: true }),
    error: text('error'),
  },
  (table) => [primaryKey({ columns: [table.sagaId, table.name] })],
);
