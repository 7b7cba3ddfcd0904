import { setTimeout as sleep } from 'node:timers/promises';
import {
  errorCodes,
  fromCents,
  toCents,
  type CreatePayment,
  type CreateRefund,
  type Payment,
  type PaymentList,
  type PaymentSimulation,
} from '@ecomm/contracts';
import { AppError, type KeyClaim } from '@ecomm/platform';
import type { PaymentGateway } from './payment-gateway.js';
import type { ChargeBlockers, PaymentRepository } from './payment-repository.js';
import type { PaymentRow } from './payment-rows.js';

function toPayment(row: PaymentRow): Payment {
  return {
    transaction_id: row.id,
    order_id: row.orderId,
    amount: fromCents(row.amountCents),
    currency: row.currency,
    status: row.status,
    reason: row.reason,
    created_at: row.createdAt.toISOString(),
    refunded_amount: fromCents(row.refundedCents),
    refunded_at: row.refundedAt?.toISOString() ?? null,
    refunds: row.refunds.map((refund) => ({
      refund_id: refund.id,
      amount: fromCents(refund.amountCents),
      created_at: refund.createdAt.toISOString(),
    })),
  };
}

function alreadyCaptured(orderId: string, capture: Pick<PaymentRow, 'id' | 'status'>) {
  return AppError.conflict(`Order ${orderId} already has a payment (${capture.status}): transaction ${capture.id}`, {
    order_id: orderId,
    transaction_id: capture.id,
  });
}

function orderVoided(orderId: string) {
  return new AppError(
    409,
    errorCodes.ORDER_VOIDED,
    `Order ${orderId} was voided (its checkout was undone); it cannot be charged`,
    { order_id: orderId },
  );
}

export function createPaymentService(dependencies: { payments: PaymentRepository; gateway: PaymentGateway }) {
  const { payments, gateway } = dependencies;

  async function find(transactionId: string) {
    const row = await payments.findById(transactionId);
    if (!row) throw AppError.notFound(`Payment ${transactionId} not found`);
    return row;
  }

  return {
    /** What stops a charge of the order before the gateway; with a key's claim, read in the claim's statement. */
    chargeBlockers: (orderId: string, claim?: KeyClaim) => payments.chargeBlockers(orderId, claim),

    /**
     * Charges an order once: the result is a captured or a declined payment, both recorded. `blockersRead`: the
     * blockers already read for this charge (with its key's claim), else read here.
     */
    async charge(
      input: CreatePayment,
      simulation?: PaymentSimulation,
      blockersRead?: ChargeBlockers,
    ): Promise<Payment> {
      // Checked first so a repeated charge never reaches the gateway; the unique index and the void's lock settle races
      // (a void or a capture committed since this read is found by the record, under the order's lock).
      const blockers = blockersRead ?? (await payments.chargeBlockers(input.order_id));
      if (blockers.voided) throw orderVoided(input.order_id);
      if (blockers.capture) throw alreadyCaptured(input.order_id, blockers.capture);

      const amountCents = toCents(input.amount);
      const outcome = await gateway.charge(amountCents, simulation);
      if (outcome.status === 'error') {
        throw new AppError(
          503,
          'PAYMENT_GATEWAY_ERROR',
          `Payment gateway error: ${outcome.reason}; nothing was charged, retry later`,
        );
      }
      const recorded = await payments.record({
        orderId: input.order_id,
        amountCents,
        currency: input.currency,
        status: outcome.status,
        reason: outcome.status === 'declined' ? outcome.reason : null,
      });
      // Voided while at the gateway: nothing is recorded as captured. The stand-in moves no money; a real gateway
      // would need its void (or refund) call for this charge here.
      if (recorded.outcome === 'voided') throw orderVoided(input.order_id);
      // Another charge of the order, past the check above at the same time, was captured first.
      if (recorded.outcome === 'captured_before') throw alreadyCaptured(input.order_id, recorded.capture);
      // A late answer: the capture is already recorded, so a caller that gave up finds it by order id.
      if (outcome.status === 'captured' && outcome.lateByMs > 0) await sleep(outcome.lateByMs);
      return toPayment(recorded.payment);
    },

    /** Refunds part or all of what is left of a payment, exactly once per refund id. */
    async refund(transactionId: string, request: CreateRefund): Promise<{ payment: Payment; created: boolean }> {
      const result = await payments.refund(transactionId, request.refund_id, toCents(request.amount));
      switch (result.outcome) {
        case 'refunded':
        case 'replayed':
          return { payment: toPayment(result.payment), created: result.outcome === 'refunded' };
        case 'not_found':
          throw AppError.notFound(`Payment ${transactionId} not found`);
        case 'declined':
          throw AppError.conflict(`Payment ${transactionId} was declined; there is nothing to refund`, {
            transaction_id: transactionId,
          });
        case 'other_refund':
          throw AppError.conflict(
            `Refund ${request.refund_id} was already made with another amount or payment; use a new refund id`,
            {
              refund_id: request.refund_id,
            },
          );
        case 'voided':
          throw AppError.conflict(`Refund ${request.refund_id} was called off; nothing was refunded`, {
            refund_id: request.refund_id,
          });
        case 'exceeds': {
          const left = fromCents(result.payment.amountCents - result.payment.refundedCents);
          throw new AppError(
            409,
            'REFUND_EXCEEDS_PAYMENT',
            `Payment ${transactionId} has only ${left} left to refund, not ${request.amount}`,
            {
              transaction_id: transactionId,
              refundable: left,
            },
          );
        }
      }
    },

    /** Calls a refund off for good, so that it cannot arrive late; a 409 if it was already made. */
    async voidRefund(transactionId: string, refundId: string): Promise<Payment> {
      const result = await payments.voidRefund(transactionId, refundId);
      if (result.outcome === 'not_found') throw AppError.notFound(`Payment ${transactionId} not found`);
      if (result.outcome === 'made') {
        throw new AppError(
          409,
          'REFUND_ALREADY_MADE',
          `Refund ${refundId} of payment ${transactionId} was already made; it cannot be called off`,
          {
            transaction_id: transactionId,
            refund_id: refundId,
          },
        );
      }
      return toPayment(result.payment);
    },

    /** Fences the order off from charges, in flight or later, and refunds whatever it has captured. */
    async voidOrder(orderId: string): Promise<PaymentList> {
      return { items: (await payments.voidOrder(orderId)).map(toPayment) };
    },

    async get(transactionId: string): Promise<Payment> {
      return toPayment(await find(transactionId));
    },

    async listForOrder(orderId: string): Promise<PaymentList> {
      return { items: (await payments.listByOrder(orderId)).map(toPayment) };
    },
  };
}

export type PaymentService = ReturnType<typeof createPaymentService>;
