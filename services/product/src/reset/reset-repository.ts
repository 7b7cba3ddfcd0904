import type { Database } from '@ecomm/platform';
import { sql } from 'drizzle-orm';
import {
  idempotencyKeys,
  products,
  reservationLines,
  reservations,
  restockLines,
  restocks,
} from '../database/schema.js';

export function createResetRepository(db: Database) {
  return {
    /** Stored idempotent responses describe rows that no longer exist, so they go too; ids start again at 1. */
    async emptyAll() {
      await db.execute(
        sql`truncate table ${restockLines}, ${restocks}, ${reservationLines}, ${reservations}, ${products}, ${idempotencyKeys} restart identity`,
      );
    },
  };
}

export type ResetRepository = ReturnType<typeof createResetRepository>;
