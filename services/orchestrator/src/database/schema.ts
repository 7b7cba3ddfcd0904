import { idempotencyTable } from '@ecomm/platform';
import { pgSchema } from 'drizzle-orm/pg-core';

export const orchestratorSchema = pgSchema('orchestrator');

export const idempotencyKeys = idempotencyTable(orchestratorSchema);
