import { toCents, type CheckoutClaim, type Order, type Payment, type Reservation } from '@ecomm/contracts';
import { AppError } from '@ecomm/platform';
import type { DomainClients } from '../clients/domain-clients.js';
import type { SagaDefinition } from '../saga/saga-definition.js';
import { required, unanswered, unlessAbsent } from '../saga/step-helpers.js';

/** Stored with the run and shown as is by GET /admin/sagas, so snake_case like every JSON body of the API. */
export interface CheckoutInput {
  user_id: string;
  session_id: string;
  order_id: string;
  claim_id: string;
  payment_simulation?: string;
  /** The total the shopper confirmed: a cart that no longer adds up to it is not charged. */
  expected_total?: number;
}

export interface CheckoutData {
  claim: CheckoutClaim;
  reservation: Reservation;
  order: Order;
  payment: Payment;
}

const reservedCents = (reservation: Reservation) =>
  reservation.lines.reduce((cents, line) => cents + toCents(line.unit_price) * line.quantity, 0);

/** Cart → stock → order → payment (the pivot) → order paid, and at the same time cart emptied. */
export function checkoutSaga(clients: DomainClients): SagaDefinition<CheckoutInput, CheckoutData> {
  const { carts, products, orders, payments } = clients;
  return {
    type: 'checkout',
    pivot: 'charge_payment',
    steps: [
      {
        name: 'claim_cart',
        run: async ({ input, idempotencyKey }) => ({
          claim: await carts.claim(input.session_id, input.claim_id, input.user_id, idempotencyKey()),
        }),
        compensate: ({ input, idempotencyKey }) =>
          unlessAbsent(carts.releaseClaim(input.session_id, input.claim_id, idempotencyKey('compensate'))),
      },
      {
        name: 'reserve_stock',
        run: async ({ sagaId, input, data, idempotencyKey }) => {
          const items = required(data.claim, 'cart claim').items;
          const reservation = await products.reserve(sagaId, items, idempotencyKey());
          // The stock may have been put back since a first attempt (by the compensation of a process that took the
          // run over), and a released reservation holds nothing.
          if (reservation.status !== 'reserved') {
            throw new AppError(
              409,
              'RESERVATION_RELEASED',
              'The stock held for this checkout was released; please check out again',
            );
          }
          // The cart may have changed between the confirmation and the claim; failing here undoes claim and reservation.
          if (input.expected_total !== undefined && reservedCents(reservation) !== toCents(input.expected_total)) {
            throw new AppError(
              409,
              'CART_CHANGED',
              'The cart changed after you confirmed; nothing was charged. Ask for a new preview.',
            );
          }
          return { reservation };
        },
        compensate: ({ sagaId, idempotencyKey }) =>
          unlessAbsent(products.release(sagaId, idempotencyKey('compensate'))),
      },
      {
        name: 'create_order',
        run: async ({ input, data, idempotencyKey }) => {
          const lines = required(data.reservation, 'reservation').lines;
          const order = await orders.create(
            { order_id: input.order_id, user_id: input.user_id, session_id: input.session_id, lines },
            idempotencyKey(),
          );
          return { order };
        },
        compensate: ({ input, idempotencyKey }) =>
          unlessAbsent(orders.cancel(input.order_id, idempotencyKey('compensate'))),
      },
      {
        name: 'charge_payment',
        run: async ({ input, data, idempotencyKey }) => {
          const total = required(data.order, 'order').total;
          return { payment: await payments.charge(input.order_id, total, idempotencyKey(), input.payment_simulation) };
        },
        isInDoubt: unanswered,
        resolveInDoubt: async ({ input }) => {
          const { items } = await payments.forOrder(input.order_id);
          const captured = items.find((payment) => payment.status === 'captured');
          return captured ? { payment: captured } : undefined;
        },
        // Reached when the charge failed, its outcome stayed unknown, or even when this run's record says it never
        // started (a process that lost the run may be charging): a lookup then refund would miss a charge still at the
        // gateway; the void refunds what is captured and makes the payment service refuse any later capture.
        compensateUnstarted: true,
        compensate: async ({ input, idempotencyKey }) => {
          await payments.voidOrder(input.order_id, idempotencyKey('compensate'));
        },
      },
      {
        name: 'confirm_order',
        run: async ({ input, data, idempotencyKey }) => {
          const transactionId = required(data.payment, 'payment').transaction_id;
          return { order: await orders.confirm(input.order_id, transactionId, idempotencyKey()) };
        },
      },
      {
        name: 'complete_claim',
        // Emptying the cart needs only the claim, not the confirmed order: one hop less on the way to the answer.
        alongsidePrevious: true,
        run: async ({ input, idempotencyKey }) => ({
          claim: await carts.completeClaim(input.session_id, input.claim_id, idempotencyKey()),
        }),
      },
    ],
  };
}
