import type { OrderStatus } from '@ecomm/contracts';
import type { Database } from '@ecomm/platform';
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import { orderLines, orders } from '../database/schema.js';

type StoredOrder = typeof orders.$inferSelect;
/** A real order. Placeholders (an id cancelled before its order was created) never leave this module. */
export type OrderRow = StoredOrder & { userId: string; sessionId: string };
export type NewOrder = typeof orders.$inferInsert & { userId: string; sessionId: string };
type OrderLineRow = typeof orderLines.$inferSelect;
export type NewOrderLine = Omit<OrderLineRow, 'orderId' | 'lineNumber' | 'returnedQuantity'>;
export type OrderRecord = OrderRow & { lines: OrderLineRow[] };
/** Column changes that go with a move: the paying transaction, the holding cancellation, fulfilment times. */
export type MoveChanges = Partial<Pick<StoredOrder, 'transactionId' | 'cancellationId' | 'shippedAt' | 'deliveredAt'>>;

export function realOrder(row: StoredOrder | undefined): OrderRow | undefined {
  if (!row || row.userId === null || row.sessionId === null) return undefined;
  return { ...row, userId: row.userId, sessionId: row.sessionId };
}

export function createOrderRepository(db: Database) {
  async function linesOf(orderIds: string[]) {
    if (orderIds.length === 0) return [];
    return db
      .select()
      .from(orderLines)
      .where(inArray(orderLines.orderId, orderIds))
      .orderBy(asc(orderLines.lineNumber));
  }

  async function withLines(row: OrderRow): Promise<OrderRecord> {
    return { ...row, lines: await linesOf([row.id]) };
  }

  return {
    /**
     * Inserts an order with its lines, or returns undefined when the id is taken (by an order or a placeholder). One
     * statement, whatever the number of lines: the lines go in as arrays, and only if the order did.
     */
    async insert(order: NewOrder, lines: NewOrderLine[]): Promise<OrderRecord | undefined> {
      const inserted = db.$with('inserted').as(db.insert(orders).values(order).onConflictDoNothing().returning());
      const lineRows = lines.map((line, index) => ({ ...line, lineNumber: index + 1, returnedQuantity: 0 }));
      const column = <Value>(pick: (line: (typeof lineRows)[number]) => Value) => sql.param(lineRows.map(pick));
      const insertedLines = db.$with('inserted_lines').as(
        db.insert(orderLines).select(
          sql`select ${inserted.id}, line.*, 0 from ${inserted}, unnest(${column((line) => line.lineNumber)}::integer[],
            ${column((line) => line.productId)}::integer[], ${column((line) => line.name)}::text[],
            ${column((line) => line.unitPriceCents)}::integer[], ${column((line) => line.quantity)}::integer[]) as line`,
        ),
      );
      const [row] = await db.with(inserted, insertedLines).select().from(inserted);
      const real = realOrder(row);
      return real && { ...real, lines: lineRows.map((line) => ({ ...line, orderId: real.id })) };
    },

    async findById(id: string): Promise<OrderRecord | undefined> {
      const row = realOrder((await db.select().from(orders).where(eq(orders.id, id)))[0]);
      return row && withLines(row);
    },

    /**
     * Takes the id with a cancelled placeholder, so an order created under it later is refused; false when the id
     * is already taken. Primary-key conflicts make it race-free against a concurrent create.
     */
    async insertPlaceholder(id: string): Promise<boolean> {
      const inserted = await db
        .insert(orders)
        .values({ id, status: 'cancelled', totalCents: 0 })
        .onConflictDoNothing()
        .returning();
      return inserted.length > 0;
    },

    async listByUser(userId: string, page: { limit: number; offset: number }) {
      const [stored, total] = await Promise.all([
        db
          .select()
          .from(orders)
          .where(eq(orders.userId, userId))
          .orderBy(desc(orders.createdAt), desc(orders.id))
          .limit(page.limit)
          .offset(page.offset),
        db.$count(orders, eq(orders.userId, userId)),
      ]);
      const rows = stored.flatMap((row) => realOrder(row) ?? []);
      const lines = await linesOf(rows.map((row) => row.id));
      const records = rows.map((row) => ({ ...row, lines: lines.filter((line) => line.orderId === row.id) }));
      return { records, total };
    },

    /**
     * Records a cancellation as undone for good, so that its hold, should it arrive later, is refused (`moveStatus`);
     * once per id. On the order's row: a hold racing it is either made first (and seen after) or refused.
     */
    async callOffCancellation(id: string, cancellationId: string) {
      await db
        .update(orders)
        .set({ calledOffCancellations: sql`array_append(${orders.calledOffCancellations}, ${cancellationId})` })
        .where(and(eq(orders.id, id), sql`not (${cancellationId} = any(${orders.calledOffCancellations}))`));
    },

    /**
     * Moves an order only if it is still in `from` (and, when given, still held by `cancellationId`): one statement,
     * so concurrent moves cannot both win, which also reads the order's lines (no move changes them). A move that
     * makes a cancellation hold the order does not apply once that cancellation was called off.
     */
    async moveStatus(id: string, from: OrderStatus, to: OrderStatus, changes: MoveChanges = {}, heldBy?: string) {
      const moved = db.$with('moved').as(
        db
          .update(orders)
          .set({ status: to, updatedAt: sql`now()`, ...changes })
          .where(
            and(
              eq(orders.id, id),
              eq(orders.status, from),
              heldBy === undefined ? undefined : eq(orders.cancellationId, heldBy),
              changes.cancellationId
                ? sql`not (${changes.cancellationId} = any(${orders.calledOffCancellations}))`
                : undefined,
            ),
          )
          .returning(),
      );
      const rows = await db
        .with(moved)
        .select()
        .from(moved)
        .leftJoin(orderLines, eq(orderLines.orderId, moved.id))
        .orderBy(asc(orderLines.lineNumber));
      const order = realOrder(rows[0]?.moved);
      return order && { ...order, lines: rows.flatMap((row) => row.order_lines ?? []) };
    },
  };
}

export type OrderRepository = ReturnType<typeof createOrderRepository>;
