import { idempotencyTable } from '@ecomm/platform';
import { pgSchema } from 'drizzle-orm/pg-core';

export const orderSchema = pgSchema('orders');

export const idempotencyKeys = idempotencyTable(orderSchema);
