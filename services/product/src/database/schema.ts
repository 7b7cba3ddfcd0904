import { idempotencyTable } from '@ecomm/platform';
import { pgSchema } from 'drizzle-orm/pg-core';

export const productSchema = pgSchema('product');

export const idempotencyKeys = idempotencyTable(productSchema);
