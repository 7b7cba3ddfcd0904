import { withTransactions, type Database, type Executor } from '@ecomm/platform';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { products, reservationLines, reservations } from '../database/schema.js';
import { moveStock, type StockMove } from '../products/stock-moves.js';

type ReservationLineRow = typeof reservationLines.$inferSelect;
export type StoredReservation = typeof reservations.$inferSelect & { lines: ReservationLineRow[] };

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

    /** The reservation with its lines, in one statement. */
    async find(id: string): Promise<StoredReservation | undefined> {
      const rows = await executor
        .select()
        .from(reservations)
        .leftJoin(reservationLines, eq(reservationLines.reservationId, reservations.id))
        .where(eq(reservations.id, id))
        .orderBy(asc(reservationLines.productId));
      const reservation = rows[0]?.reservations;
      return reservation && { ...reservation, lines: rows.flatMap((row) => row.reservation_lines ?? []) };
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

    /** Puts back what the lines took, in one statement. */
    async restoreStock(lines: StockMove[]) {
      await moveStock(executor, lines);
    },

    /** Takes the lines' units from the products (locked already) and records the lines: one statement. */
    async takeStock(lines: ReservationLineRow[]) {
      const taken = executor.$with('taken').as(
        moveStock(
          executor,
          lines.map((line) => ({ productId: line.productId, quantity: -line.quantity })),
        ),
      );
      await executor.with(taken).insert(reservationLines).values(lines);
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
