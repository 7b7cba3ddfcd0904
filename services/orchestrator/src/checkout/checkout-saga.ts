import type { CheckoutClaim, Order, Payment, Reservation } from '@ecomm/contracts';
import { AppError, idempotencyInProgressCode, isAppError } from '@ecomm/platform';
import type { DomainClients } from '../clients/domain-clients.js';
import type { SagaDefinition } from '../saga/saga-definition.js';

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

/** A compensation whose target never came to exist has nothing to undo. */
async function unlessAbsent(call: Promise<unknown>) {
  try {
    await call;
  } catch (error) {
    if (isAppError(error) && error.statusCode === 404) return;
    throw error;
  }
}

/** No answer from the payment service, or its answer that the same charge (same key) is still being processed. */
function unanswered(error: unknown) {
  if (!isAppError(error)) return false;
  return ['UPSTREAM_TIMEOUT', 'UPSTREAM_UNAVAILABLE', idempotencyInProgressCode].includes(error.code);
}

function required<Value>(value: Value | undefined, what: string): Value {
  if (value === undefined) throw new AppError(500, 'SAGA_STATE_MISSING', `Checkout state is missing its ${what}`);
  return value;
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
          const reservation = await products.reserve(sagaId, items, idempotencyKey());
          // A retry is answered with the first, stored reply: the stock may have been put back since (by the
          // compensation of a process that took the run over), and a released reservation holds nothing.
          if ((await products.reservation(sagaId)).status !== 'reserved') {
            throw new AppError(409, 'RESERVATION_RELEASED', 'The stock held for this checkout was released; please check out again');
          }
          return { reservation };
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
        run: async ({ input, idempotencyKey }) => ({
          claim: await carts.completeClaim(input.session_id, input.claim_id, idempotencyKey()),
        }),
      },
    ],
  };
}
