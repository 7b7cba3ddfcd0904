import { withTransactions, type Database, type Executor } from '@ecomm/platform';
import { and, asc, eq, sql } from 'drizzle-orm';
import { products, reservationLines, reservations } from '../database/schema.js';
import { arrayOf, moveStock, type StockMove } from '../products/stock-moves.js';

type ReservationLineRow = typeof reservationLines.$inferSelect;
export type StoredReservation = typeof reservations.$inferSelect & { lines: ReservationLineRow[] };

/** A requested product as its lock found it: the values a reservation is decided on and copies into its lines. */
export type LockedProduct = Pick<typeof products.$inferSelect, 'id' | 'name' | 'priceCents' | 'stock'>;

/** Whether a reservation took its stock, and the requested products that exist, with their stock before it. */
type StockTaking = { reserved: boolean; products: LockedProduct[] };

/** The queries a reservation needs, bound to one transaction so a thrown error undoes all of them. */
function reservationStore(executor: Executor) {
  return {
    /**
     * Makes the reservation in one statement, or writes nothing: it locks the requested products in id order (two
     * reservations over the same products queue instead of deadlocking) and, if every one exists with the stock its
     * line asks, records the id, takes the stock and records the lines, each with the name and price of its product.
     * Every value it decides on comes from the locked rows, which after a wait for a lock are the newest committed
     * ones (the rest of the statement would see the rows as they were before the wait). An id already recorded, even
     * by a reservation committed during that wait, makes the insert a no-op (ON CONFLICT sees the newest rows), and so
     * the whole statement: the caller then reads the id afresh.
     */
    async take(id: string, lines: StockMove[]): Promise<StockTaking> {
      const ids = arrayOf(
        lines.map((line) => line.productId),
        'integer',
      );
      const quantities = arrayOf(
        lines.map((line) => line.quantity),
        'integer',
      );
      const { rows } = await executor.execute<StockTaking>(sql`
        with requested as (
          select * from unnest(${ids}, ${quantities}) as requested (product_id, quantity)
        ), locked as materialized (
          select id, name, price_cents, stock from ${products} where id = any(${ids}) order by id for update
        ), decision as (
          select count(*) = (select count(*) from requested) and bool_and(locked.stock >= requested.quantity) as takes
          from requested join locked on locked.id = requested.product_id
        ), reservation as (
          insert into ${reservations} (id) select ${id} from decision where takes on conflict do nothing returning id
        ), recorded as (
          insert into ${reservationLines} (reservation_id, product_id, name, unit_price_cents, quantity)
          select reservation.id, locked.id, locked.name, locked.price_cents, requested.quantity
          from reservation, requested join locked on locked.id = requested.product_id
        ), taken as (
          update ${products} set stock = ${products}.stock - requested.quantity, updated_at = now()
          from locked join requested on requested.product_id = locked.id
          where ${products}.id = locked.id and exists (select from reservation)
        )
        select exists (select from reservation) as reserved, coalesce((
          select jsonb_agg(jsonb_build_object('id', id, 'name', name, 'priceCents', price_cents, 'stock', stock))
          from locked
        ), '[]') as products`);
      return rows[0]!;
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

    /** Puts back what the lines took, in one statement. */
    async restoreStock(lines: StockMove[]) {
      await moveStock(executor, lines);
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

export function createReservationRepository(db: Database) {
  return withTransactions(db, reservationStore);
}

export type ReservationRepository = ReturnType<typeof createReservationRepository>;
