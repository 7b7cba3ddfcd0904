import { withTransactions, type Database } from '@ecomm/platform';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { products, reservationLines, reservations } from '../database/schema.js';

type ReservationLineRow = typeof reservationLines.$inferSelect;
export type StoredReservation = typeof reservations.$inferSelect & { lines: ReservationLineRow[] };

type Executor = Pick<Database, 'select' | 'insert' | 'update'>;

/** The queries a reservation needs, bound to one transaction so a thrown error undoes all of them. */
function reservationStore(executor: Executor) {
  return {
    /** Takes the id; returns false when it exists, after waiting for a concurrent first attempt to finish. */
    async claimId(id: string): Promise<boolean> {
      const inserted = await executor
        .insert(reservations)
        .values({ id })
        .onConflictDoNothing()
        .returning({ id: reservations.id });
      return inserted.length > 0;
    },

    async find(id: string): Promise<StoredReservation | undefined> {
      const [reservation] = await executor.select().from(reservations).where(eq(reservations.id, id));
      if (!reservation) return undefined;
      const lines = await executor
        .select()
        .from(reservationLines)
        .where(eq(reservationLines.reservationId, id))
        .orderBy(asc(reservationLines.productId));
      return { ...reservation, lines };
    },

    /** Locks in id order, so two reservations over the same products queue instead of deadlocking. */
    async lockProducts(ids: number[]) {
      return executor
        .select({ id: products.id, name: products.name, priceCents: products.priceCents, stock: products.stock })
        .from(products)
        .where(inArray(products.id, ids))
        .orderBy(asc(products.id))
        .for('update');
    },

    /** Moves stock by `sign * quantity` per line, in product id order; the stock check constraint is the last guard. */
    async adjustStock(lines: Array<{ productId: number; quantity: number }>, sign: 1 | -1) {
      const ordered = [...lines].sort((first, second) => first.productId - second.productId);
      for (const line of ordered) {
        await executor
          .update(products)
          .set({ stock: sql`${products.stock} + ${sign * line.quantity}`, updatedAt: sql`now()` })
          .where(eq(products.id, line.productId));
      }
    },

    async insertLines(lines: ReservationLineRow[]) {
      await executor.insert(reservationLines).values(lines);
    },

    /**
     * Records a release for an id that may not exist yet: if its reservation is still being made, this waits for it
     * (the primary key); if it never was, the released row stays, so a late reservation under that id takes nothing.
     */
    async releaseAhead(id: string): Promise<boolean> {
      const inserted = await executor
        .insert(reservations)
        .values({ id, status: 'released', releasedAt: sql`now()` })
        .onConflictDoNothing()
        .returning({ id: reservations.id });
      return inserted.length > 0;
    },

    /** Only the first release of a reservation gets its row back; later ones find it already released. */
    async markReleased(id: string): Promise<boolean> {
      const released = await executor
        .update(reservations)
        .set({ status: 'released', releasedAt: sql`now()` })
        .where(and(eq(reservations.id, id), eq(reservations.status, 'reserved')))
        .returning({ id: reservations.id });
      return released.length > 0;
    },
  };
}

export type ReservationStore = ReturnType<typeof reservationStore>;

export function createReservationRepository(db: Database) {
  return withTransactions(db, reservationStore);
}

export type ReservationRepository = ReturnType<typeof createReservationRepository>;
