import type { Executor } from '@ecomm/platform';
import { asc, eq, sql } from 'drizzle-orm';
import { products, reservationLines, reservations } from '../database/schema.js';
import { arrayOf, type StockMove } from '../products/stock-moves.js';

type ReservationLineRow = typeof reservationLines.$inferSelect;
export type StoredReservation = typeof reservations.$inferSelect & { lines: ReservationLineRow[] };

/** A requested product as its lock found it: the values a reservation is decided on and copies into its lines. */
export type LockedProduct = Pick<typeof products.$inferSelect, 'id' | 'name' | 'priceCents' | 'stock'>;

/** Whether a release recorded its id ahead of the reservation, and the lines of the reservation it released. */
type Release = { recordedAhead: boolean; lines: ReservationLineRow[] };

/** Whether a reservation took its stock, and the requested products that exist, with their stock before it. */
type StockTaking = { reserved: boolean; products: LockedProduct[] };

// Each step is one statement of data-modifying CTEs, written as SQL rather than with drizzle's builders (which would
// need a `sql` fragment in nearly every clause), and all or nothing by itself: it needs no transaction of its own,
// and inside a request's it needs no savepoint. Every statement is a round trip that wakes PostgreSQL and this service.
export function createReservationRepository(executor: Executor) {
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

    /**
     * Releases the reservation in one statement: marks it released and puts back what its lines took, only if it was
     * still reserved, so concurrent releases put the stock back once. An id with no reservation is recorded as
     * released ahead, so that a reservation arriving late under it takes nothing. The products are locked before the
     * reservation's row is touched (the writes to that row read `after_locks`, so they run after the locks), in the
     * order a reservation takes them (see `take`): a release and a retried reservation of the same id queue instead
     * of deadlocking. Answers whether it recorded the id ahead, and the
     * reservation's lines as its snapshot saw them: none when the reservation was committed while this statement
     * waited for its row (the caller then runs it again, and sees it).
     */
    async release(id: string): Promise<Release> {
      const { rows } = await executor.execute<Release>(sql`
        with lines as (
          select product_id, name, unit_price_cents, quantity from ${reservationLines} where reservation_id = ${id}
        ), locked as materialized (
          select id from ${products} where id in (select product_id from lines) order by id for update
        ), after_locks as (
          select count(*) from locked
        ), ahead as (
          insert into ${reservations} (id, status, released_at) select ${id}, 'released', now() from after_locks
          on conflict do nothing returning id
        ), released as (
          update ${reservations} set status = 'released', released_at = now() from after_locks
          where id = ${id} and status = 'reserved' returning id
        ), restored as (
          update ${products} set stock = ${products}.stock + lines.quantity, updated_at = now()
          from locked join lines on lines.product_id = locked.id
          where ${products}.id = locked.id and exists (select from released)
        )
        select exists (select from ahead) as "recordedAhead", coalesce((
          select jsonb_agg(jsonb_build_object('reservationId', ${id}::text, 'productId', product_id, 'name', name,
            'unitPriceCents', unit_price_cents, 'quantity', quantity) order by product_id)
          from lines
        ), '[]') as lines`);
      return rows[0]!;
    },
  };
}

export type ReservationRepository = ReturnType<typeof createReservationRepository>;
