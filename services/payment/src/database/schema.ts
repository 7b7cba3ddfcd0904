import { idempotencyTable } from '@ecomm/platform';
import { pgSchema } from 'drizzle-orm/pg-core';

export const paymentSchema = pgSchema('payment');

export const idempotencyKeys = idempotencyTable(paymentSchema);
