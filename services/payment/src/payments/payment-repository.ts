import type { Database } from '@ecomm/platform';
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { payments } from '../database/schema.js';

export type PaymentRow = typeof payments.$inferSelect;
export type NewPayment = typeof payments.$inferInsert;

export function createPaymentRepository(db: Database) {
  return {
    /** Records a charge attempt, or returns undefined when it is a second capture of its order. */
    async insert(payment: NewPayment): Promise<PaymentRow | undefined> {
      const [row] = await db.insert(payments).values(payment).onConflictDoNothing().returning();
      return row;
    },

    async findById(id: string): Promise<PaymentRow | undefined> {
      const [row] = await db.select().from(payments).where(eq(payments.id, id));
      return row;
    },

    /** The order's captured (or since refunded) payment, if it has one. */
    async findCapture(orderId: string): Promise<PaymentRow | undefined> {
      const [row] = await db
        .select()
        .from(payments)
        .where(and(eq(payments.orderId, orderId), inArray(payments.status, ['captured', 'refunded'])));
      return row;
    },

    async listByOrder(orderId: string): Promise<PaymentRow[]> {
      return db.select().from(payments).where(eq(payments.orderId, orderId)).orderBy(desc(payments.createdAt), desc(payments.id));
    },

    /** Refunds a captured payment in one statement, so a refund can only happen once. */
    async markRefunded(id: string): Promise<PaymentRow | undefined> {
      const [row] = await db
        .update(payments)
        .set({ status: 'refunded', refundedAt: sql`now()` })
        .where(and(eq(payments.id, id), eq(payments.status, 'captured')))
        .returning();
      return row;
    },
  };
}

export type PaymentRepository = ReturnType<typeof createPaymentRepository>;
