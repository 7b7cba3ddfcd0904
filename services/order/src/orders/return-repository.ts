import type { OrderStatus } from '@ecomm/contracts';
import type { Database } from '@ecomm/platform';
import { and, asc, eq, sql } from 'drizzle-orm';
import { orderLines, orderReturnLines, orderReturns, orders } from '../database/schema.js';
import { realOrder, type OrderRecord } from './order-repository.js';

type Executor = Pick<Database, 'select' | 'insert' | 'update'>;
type ReturnRow = typeof orderReturns.$inferSelect;
type ReturnLineRow = typeof orderReturnLines.$inferSelect;
export type ReturnRecord = ReturnRow & { lines: ReturnLineRow[] };

/** The queries a return needs, bound to one transaction that holds the order's row lock throughout. */
function returnStore(executor: Executor) {
  return {
    /** Locks the order, so concurrent returns of one order queue and each sees what the previous took. */
    async lockOrder(orderId: string): Promise<OrderRecord | undefined> {
      const [row] = await executor.select().from(orders).where(eq(orders.id, orderId)).for('update');
      const order = realOrder(row);
      if (!order) return undefined;
      const lines = await executor
        .select()
        .from(orderLines)
        .where(eq(orderLines.orderId, orderId))
        .orderBy(asc(orderLines.lineNumber));
      return { ...order, lines };
    },

    async findReturn(returnId: string): Promise<ReturnRecord | undefined> {
      const [row] = await executor.select().from(orderReturns).where(eq(orderReturns.id, returnId));
      if (!row) return undefined;
      const lines = await executor
        .select()
        .from(orderReturnLines)
        .where(eq(orderReturnLines.returnId, returnId))
        .orderBy(asc(orderReturnLines.productId));
      return { ...row, lines };
    },

    async insertReturn(record: {
      id: string;
      orderId: string;
      amountCents: number;
      lines: { productId: number; quantity: number }[];
    }) {
      await executor
        .insert(orderReturns)
        .values({ id: record.id, orderId: record.orderId, amountCents: record.amountCents });
      await executor.insert(orderReturnLines).values(record.lines.map((line) => ({ ...line, returnId: record.id })));
    },

    /** A return aborted before it started: nothing counted, kept so that its start, arriving later, is refused. */
    async insertCalledOff(returnId: string, orderId: string) {
      await executor.insert(orderReturns).values({ id: returnId, orderId, amountCents: 0, status: 'aborted' });
    },

    async setReturnStatus(returnId: string, status: ReturnRow['status']) {
      await executor
        .update(orderReturns)
        .set({ status, updatedAt: sql`now()` })
        .where(eq(orderReturns.id, returnId));
    },

    /** Adds `sign * quantity` returned units per line. */
    async countReturned(orderId: string, lines: { productId: number; quantity: number }[], sign: 1 | -1) {
      for (const line of lines) {
        await executor
          .update(orderLines)
          .set({ returnedQuantity: sql`${orderLines.returnedQuantity} + ${sign * line.quantity}` })
          .where(and(eq(orderLines.orderId, orderId), eq(orderLines.productId, line.productId)));
      }
    },

    async setStatus(orderId: string, status: OrderStatus) {
      await executor
        .update(orders)
        .set({ status, updatedAt: sql`now()` })
        .where(eq(orders.id, orderId));
    },
  };
}

export type ReturnStore = ReturnType<typeof returnStore>;

export type ReturnRepository = ReturnType<typeof createReturnRepository>;

export function createReturnRepository(db: Database) {
  return {
    transaction: <Result>(work: (store: ReturnStore) => Promise<Result>) =>
      db.transaction((tx) => work(returnStore(tx))),
  };
}
