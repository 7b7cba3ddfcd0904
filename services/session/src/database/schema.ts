import { idempotencyTable } from '@ecomm/platform';
import { pgSchema } from 'drizzle-orm/pg-core';

export const sessionSchema = pgSchema('session');

export const idempotencyKeys = idempotencyTable(sessionSchema);
