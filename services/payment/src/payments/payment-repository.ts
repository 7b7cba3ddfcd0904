import { randomUUID } from 'node:crypto';
import { withTransactions, type Database, type Executor, type KeyClaim } from '@ecomm/platform';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { payments, refunds, voidedOrders, voidedRefunds } from '../database/schema.js';
import { paymentColumns, paymentsWithRefunds, type PaymentRow, type StoredPayment } from './payment-rows.js';

export type NewPayment = Omit<typeof payments.$inferInsert, 'id'>;

export interface ChargeBlockers {
  voided: boolean;
  capture: StoredPayment | undefined;
}

export type RecordOutcome =
  | { outcome: 'recorded'; payment: PaymentRow }
  | { outcome: 'voided' }
  | { outcome: 'captured_before'; capture: StoredPayment };

export type RefundOutcome =
  | { outcome: 'refunded' | 'replayed'; payment: PaymentRow }
  | { outcome: 'not_found' | 'declined' | 'other_refund' | 'voided' }
  | { outcome: 'exceeds'; payment: PaymentRow };

/**
 * Serializes, per order, a void with the recording of a charge (`record_charge`, in the migrations, takes the same
 * lock): whichever comes second sees the first, so a charge still at the gateway when its order is voided cannot end
 * up captured. Keyed by the order id as PostgreSQL writes a uuid, so both agree however the caller spelled it.
 * Released when the transaction ends.
 */
async function lockOrder(tx: Executor, orderId: string) {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext('payment-order:' || ${orderId}::uuid::text))`);
}

/**
 * Adds a refund and its amount to the payment, whose status then says whether anything is left; false, adding nothing,
 * when the refund id is taken: by another payment's refund, committed since it was looked for under another lock.
 */
async function applyRefund(tx: Executor, payment: StoredPayment, refundId: string, amountCents: number) {
  const made = await tx
    .insert(refunds)
    .values({ id: refundId, paymentId: payment.id, amountCents })
    .onConflictDoNothing()
    .returning({ id: refunds.id });
  if (made.length === 0) return false;
  const refundedCents = payment.refundedCents + amountCents;
  await tx
    .update(payments)
    .set({
      refundedCents,
      status: refundedCents === payment.amountCents ? 'refunded' : 'partially_refunded',
      refundedAt: sql`now()`,
    })
    .where(eq(payments.id, payment.id));
  return true;
}

const refundable = inArray(payments.status, ['captured', 'partially_refunded']);
const captured = inArray(payments.status, ['captured', 'partially_refunded', 'refunded']);

export function createPaymentRepository(db: Database) {
  // The void and the refunds write only once they cannot refuse: in a keyed request's transaction they join it, without
  // a savepoint (two round trips) that nothing would ever roll back to.
  const { transactionJoiningRequest } = withTransactions(db, (executor) => ({ executor }));
  const joiningRequest = <Result>(work: (tx: Executor) => Promise<Result>) =>
    transactionJoiningRequest(({ executor }) => work(executor));
  const findById = async (id: string, executor: Executor = db): Promise<PaymentRow | undefined> =>
    (await paymentsWithRefunds(executor, eq(payments.id, id)))[0];

  return {
    listByOrder: (orderId: string) => paymentsWithRefunds(db, eq(payments.orderId, orderId)),
    findById: (id: string) => findById(id),

    /**
     * Records a charge attempt in one statement, atomic on its own (`record_charge`, in the migrations): under the
     * order's lock, unless the order was voided meanwhile (nothing recorded), unless it already has a capture (that
     * capture answered instead).
     */
    async record(payment: NewPayment): Promise<RecordOutcome> {
      // Its id is made here, so that the row answered tells this payment from an earlier capture.
      const id = randomUUID();
      const { orderId, amountCents, currency, status, reason = null } = payment;
      const [row] = await db
        .select(paymentColumns)
        .from(sql`"payment"."record_charge"(${id}, ${orderId}, ${amountCents}, ${currency}, ${status}, ${reason})`);
      if (!row) return { outcome: 'voided' };
      // A new payment has no refunds yet: no need to read them.
      if (row.id === id) return { outcome: 'recorded', payment: { ...row, refunds: [] } };
      return { outcome: 'captured_before', capture: row };
    },

    /** Fences the order off from any later charge and refunds what is left of its capture; repeating it changes nothing. */
    async voidOrder(orderId: string): Promise<PaymentRow[]> {
      await joiningRequest(async (tx) => {
        await lockOrder(tx, orderId);
        await tx.insert(voidedOrders).values({ orderId }).onConflictDoNothing();
        const open = await tx
          .select()
          .from(payments)
          .where(and(eq(payments.orderId, orderId), refundable))
          .for('update');
        // The void's refund id has a ':', which a caller's refund id cannot (clientIdSchema): it is never taken.
        for (const payment of open)
          await applyRefund(tx, payment, `void:${payment.id}`, payment.amountCents - payment.refundedCents);
      });
      return paymentsWithRefunds(db, eq(payments.orderId, orderId));
    },

    /**
     * What stops a charge before it reaches the gateway, in one statement: the order's void, or its capture. With a
     * key's claim, that statement claims the key too (`claimed`; always false without one), committed as it ends.
     */
    async chargeBlockers(orderId: string, claim?: KeyClaim): Promise<ChargeBlockers & { claimed: boolean }> {
      const [row] = await (claim ? db.with(claim.cte) : db)
        .select({
          claimed: claim?.claimed ?? sql<boolean>`false`,
          voided: sql<boolean>`exists (select from ${voidedOrders} where ${voidedOrders.orderId} = ${orderId})`,
          capture: payments,
        })
        .from(sql`(select) as one`)
        .leftJoin(payments, and(eq(payments.orderId, orderId), captured));
      return { claimed: row?.claimed === true, voided: row?.voided === true, capture: row?.capture ?? undefined };
    },

    /**
     * Refunds part of a payment under the payment's row lock, so concurrent refunds see each other and never add up
     * to more than was captured. The refund id makes a repeat answer the first refund.
     */
    async refund(paymentId: string, refundId: string, amountCents: number): Promise<RefundOutcome> {
      return joiningRequest(async (tx) => {
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
        if (!(await applyRefund(tx, payment, refundId, amountCents))) return { outcome: 'other_refund' };
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
      return joiningRequest(async (tx) => {
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
