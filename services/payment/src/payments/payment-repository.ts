import type { Database } from '@ecomm/platform';
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { payments, voidedOrders } from '../database/schema.js';

export type PaymentRow = typeof payments.$inferSelect;
export type NewPayment = typeof payments.$inferInsert;
type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];

/**
 * Serializes, per order, a void with the recording of a charge: whichever comes second sees the first, so a charge
 * still at the gateway when its order is voided cannot end up captured. Released when the transaction ends.
 */
async function lockOrder(tx: Transaction, orderId: string) {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`payment-order:${orderId}`}))`);
}

async function isVoided(db: Database | Transaction, orderId: string) {
  const [row] = await db.select().from(voidedOrders).where(eq(voidedOrders.orderId, orderId));
  return row !== undefined;
}

export function createPaymentRepository(db: Database) {
  async function listByOrder(orderId: string): Promise<PaymentRow[]> {
    return db.select().from(payments).where(eq(payments.orderId, orderId)).orderBy(desc(payments.createdAt), desc(payments.id));
  }

  return {
    listByOrder,
    isVoided: (orderId: string) => isVoided(db, orderId),

    /**
     * Records a charge attempt unless its order was voided meanwhile ('voided', nothing recorded); undefined when it
     * is a second capture of its order.
     */
    async record(payment: NewPayment): Promise<PaymentRow | 'voided' | undefined> {
      return db.transaction(async (tx) => {
        await lockOrder(tx, payment.orderId);
        if (await isVoided(tx, payment.orderId)) return 'voided';
        const [row] = await tx.insert(payments).values(payment).onConflictDoNothing().returning();
        return row;
      });
    },

    /** Fences the order off from any later charge and refunds what it has captured; repeating it changes nothing. */
    async voidOrder(orderId: string): Promise<PaymentRow[]> {
      await db.transaction(async (tx) => {
        await lockOrder(tx, orderId);
        await tx.insert(voidedOrders).values({ orderId }).onConflictDoNothing();
        await tx
          .update(payments)
          .set({ status: 'refunded', refundedAt: sql`now()` })
          .where(and(eq(payments.orderId, orderId), eq(payments.status, 'captured')));
      });
      return listByOrder(orderId);
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
