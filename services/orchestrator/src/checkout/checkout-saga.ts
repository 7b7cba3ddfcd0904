import type { CheckoutClaim, Order, Payment, Reservation } from '@ecomm/contracts';
import type { DomainClients } from '../clients/domain-clients.js';
import type { SagaDefinition } from '../saga/saga-definition.js';
import { required, unanswered, unlessAbsent } from '../saga/step-helpers.js';

export interface CheckoutInput {
  user_id: string;
  session_id: string;
  order_id: string;
  claim_id: string;
  payment_simulation?: string;
}

export interface CheckoutData {
  claim: CheckoutClaim;
  reservation: Reservation;
  order: Order;
  payment: Payment;
}

/** Cart → stock → order → payment (the pivot) → order paid → cart emptied. */
export function checkoutSaga(clients: DomainClients): SagaDefinition<CheckoutInput, CheckoutData> {
  const { carts, products, orders, payments } = clients;
  return {
    type: 'checkout',
    pivot: 'charge_payment',
    steps: [
      {
        name: 'claim_cart',
        run: async ({ input, idempotencyKey }) => ({ claim: await carts.claim(input.session_id, input.claim_id, idempotencyKey()) }),
        compensate: ({ input, idempotencyKey }) =>
          unlessAbsent(carts.releaseClaim(input.session_id, input.claim_id, idempotencyKey('compensate'))),
      },
      {
        name: 'reserve_stock',
        run: async ({ sagaId, data, idempotencyKey }) => {
          const items = required(data.claim, 'cart claim').items;
          return { reservation: await products.reserve(sagaId, items, idempotencyKey()) };
        },
        compensate: ({ sagaId, idempotencyKey }) => unlessAbsent(products.release(sagaId, idempotencyKey('compensate'))),
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
        compensate: ({ input, idempotencyKey }) => unlessAbsent(orders.cancel(input.order_id, idempotencyKey('compensate'))),
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
        // Reached when the charge failed or its outcome stayed unknown. A lookup then refund would miss a charge still
        // at the gateway; the void refunds what is captured and makes the payment service refuse any later capture.
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
        run: async ({ input, idempotencyKey }) => ({
          claim: await carts.completeClaim(input.session_id, input.claim_id, idempotencyKey()),
        }),
      },
    ],
  };
}
