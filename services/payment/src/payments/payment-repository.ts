import type { Database } from '@ecomm/platform';
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import { payments, paymentStatus, refunds, voidedOrders, voidedRefunds } from '../database/schema.js';

type StoredPayment = typeof payments.$inferSelect;
type RefundRow = typeof refunds.$inferSelect;
export type PaymentRow = StoredPayment & { refunds: RefundRow[] };
export type NewPayment = typeof payments.$inferInsert;
type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];
type Executor = Database | Transaction;

export type RefundOutcome =
  | { outcome: 'refunded' | 'replayed'; payment: PaymentRow }
  | { outcome: 'not_found' | 'declined' | 'other_refund' | 'voided' }
  | { outcome: 'exceeds'; payment: PaymentRow };

/**
 * Serializes, per order, a void with the recording of a charge: whichever comes second sees the first, so a charge
 * still at the gateway when its order is voided cannot end up captured. Released when the transaction ends.
 */
async function lockOrder(tx: Transaction, orderId: string) {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`payment-order:${orderId}`}))`);
}

async function isVoided(db: Executor, orderId: string) {
  const [row] = await db.select().from(voidedOrders).where(eq(voidedOrders.orderId, orderId));
  return row !== undefined;
}

async function withRefunds(db: Executor, rows: StoredPayment[]): Promise<PaymentRow[]> {
  if (rows.length === 0) return [];
  const all = await db
    .select()
    .from(refunds)
    .where(
      inArray(
        refunds.paymentId,
        rows.map((row) => row.id),
      ),
    )
    .orderBy(asc(refunds.createdAt), asc(refunds.id));
  return rows.map((row) => ({ ...row, refunds: all.filter((refund) => refund.paymentId === row.id) }));
}

/** Adds a refund and its amount to the payment, whose status then says whether anything is left. */
async function applyRefund(tx: Transaction, payment: StoredPayment, refundId: string, amountCents: number) {
  await tx.insert(refunds).values({ id: refundId, paymentId: payment.id, amountCents });
  const refundedCents = payment.refundedCents + amountCents;
  await tx
    .update(payments)
    .set({
      refundedCents,
      status: refundedCents === payment.amountCents ? 'refunded' : 'partially_refunded',
      refundedAt: sql`now()`,
    })
    .where(eq(payments.id, payment.id));
}

const refundable = inArray(payments.status, ['captured', 'partially_refunded']);
const captured = inArray(payments.status, ['captured', 'partially_refunded', 'refunded']);

export function createPaymentRepository(db: Database) {
  async function listByOrder(orderId: string): Promise<PaymentRow[]> {
    const rows = await db
      .select()
      .from(payments)
      .where(eq(payments.orderId, orderId))
      .orderBy(desc(payments.createdAt), desc(payments.id));
    return withRefunds(db, rows);
  }

  async function findById(id: string, executor: Executor = db): Promise<PaymentRow | undefined> {
    const [row] = await executor.select().from(payments).where(eq(payments.id, id));
    return row && (await withRefunds(executor, [row]))[0];
  }

  return {
    listByOrder,
    findById: (id: string) => findById(id),

    /**
     * Records a charge attempt unless its order was voided meanwhile ('voided', nothing recorded); undefined when it
     * is a second capture of its order. The check and the insert are one statement, after the order's lock.
     */
    async record(payment: NewPayment): Promise<PaymentRow | 'voided' | undefined> {
      return db.transaction(async (tx) => {
        // The gateway has answered: giving up on the order's lock (DATABASE_LOCK_TIMEOUT_MS) would leave its charge
        // unrecorded, and the caller told nothing changed. Those holding it (a void, a record) are short.
        await tx.execute(sql`set local lock_timeout = 0`);
        await lockOrder(tx, payment.orderId);
        const { orderId, amountCents, currency, status, reason = null } = payment;
        const [row] = await tx
          .insert(payments)
          .select(
            sql`select gen_random_uuid(), ${orderId}::uuid, ${amountCents}::integer, ${currency}::text,
              ${status}::${paymentStatus}, ${reason}::text, 0, now(), null
            where not exists (select from ${voidedOrders} where ${voidedOrders.orderId} = ${orderId})`,
          )
          .onConflictDoNothing()
          .returning();
        if (row) return { ...row, refunds: [] };
        return (await isVoided(tx, orderId)) ? 'voided' : undefined;
      });
    },

    /** Fences the order off from any later charge and refunds what is left of its capture; repeating it changes nothing. */
    async voidOrder(orderId: string): Promise<PaymentRow[]> {
      await db.transaction(async (tx) => {
        await lockOrder(tx, orderId);
        await tx.insert(voidedOrders).values({ orderId }).onConflictDoNothing();
        const open = await tx
          .select()
          .from(payments)
          .where(and(eq(payments.orderId, orderId), refundable))
          .for('update');
        for (const payment of open)
          await applyRefund(tx, payment, `void-${payment.id}`, payment.amountCents - payment.refundedCents);
      });
      return listByOrder(orderId);
    },

    /** The order's captured (or since refunded) payment, if it has one. */
    async findCapture(orderId: string): Promise<PaymentRow | undefined> {
      const [row] = await db
        .select()
        .from(payments)
        .where(and(eq(payments.orderId, orderId), captured));
      return row && (await withRefunds(db, [row]))[0];
    },

    /** What stops a charge before it reaches the gateway, in one statement: the order's void, or its capture. */
    async chargeBlockers(orderId: string): Promise<{ voided: boolean; capture: PaymentRow | undefined }> {
      const [row] = await db
        .select({
          voided: sql<boolean>`exists (select from ${voidedOrders} where ${voidedOrders.orderId} = ${orderId})`,
          capture: payments,
        })
        .from(sql`(select) as one`)
        .leftJoin(payments, and(eq(payments.orderId, orderId), captured));
      const capture = row?.capture ?? undefined;
      return { voided: row?.voided === true, capture: capture && (await withRefunds(db, [capture]))[0] };
    },

    /**
     * Refunds part of a payment under the payment's row lock, so concurrent refunds see each other and never add up
     * to more than was captured. The refund id makes a repeat answer the first refund.
     */
    async refund(paymentId: string, refundId: string, amountCents: number): Promise<RefundOutcome> {
      return db.transaction(async (tx) => {
        const [payment] = await tx.select().from(payments).where(eq(payments.id, paymentId)).for('update');
        if (!payment) return { outcome: 'not_found' };
        const [earlier] = await tx.select().from(refunds).where(eq(refunds.id, refundId));
        if (earlier) {
          if (earlier.paymentId !== paymentId || earlier.amountCents !== amountCents)
            return { outcome: 'other_refund' };
          return { outcome: 'replayed', payment: (await findById(paymentId, tx))! };
        }
        const [voided] = await tx.select().from(voidedRefunds).where(eq(voidedRefunds.id, refundId));
        if (voided) return { outcome: 'voided' };
        if (payment.status === 'declined') return { outcome: 'declined' };
        if (amountCents > payment.amountCents - payment.refundedCents)
          return { outcome: 'exceeds', payment: (await findById(paymentId, tx))! };
        await applyRefund(tx, payment, refundId, amountCents);
        return { outcome: 'refunded', payment: (await findById(paymentId, tx))! };
      });
    },

    /**
     * Calls a refund id off unless its refund was made ('made'): under the payment's row lock, so a refund racing
     * it is either made first (and seen here) or refused after.
     */
    async voidRefund(
      paymentId: string,
      refundId: string,
    ): Promise<{ outcome: 'not_found' } | { outcome: 'made' | 'voided'; payment: PaymentRow }> {
      return db.transaction(async (tx) => {
        const [payment] = await tx.select().from(payments).where(eq(payments.id, paymentId)).for('update');
        if (!payment) return { outcome: 'not_found' };
        const [made] = await tx.select().from(refunds).where(eq(refunds.id, refundId));
        if (!made) await tx.insert(voidedRefunds).values({ id: refundId, paymentId }).onConflictDoNothing();
        return { outcome: made ? 'made' : 'voided', payment: (await findById(paymentId, tx))! };
      });
    },
  };
}

export type PaymentRepository = ReturnType<typeof createPaymentRepository>;
