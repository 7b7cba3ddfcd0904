import type { Order } from '@ecomm/contracts';
import type { DomainClients } from '../clients/domain-clients.js';
import type { SagaDefinition } from '../saga/saga-definition.js';
import { required, unlessAbsent } from '../saga/step-helpers.js';
import { callOffRefund, refundStep, type RefundData } from './refund-step.js';

export interface CancellationInput {
  user_id: string;
  order_id: string;
}

export interface CancellationData extends RefundData {
  order: Order;
}

/** Hold the order (no shipment can slip in) → refund it all (the pivot) → restock every unit → order cancelled. */
export function cancellationSaga(clients: DomainClients): SagaDefinition<CancellationInput, CancellationData> {
  const { orders, products } = clients;
  return {
    type: 'order_cancellation',
    pivot: 'refund_payment',
    steps: [
      {
        name: 'hold_order',
        run: async ({ sagaId, input, idempotencyKey }) => {
          const order = await orders.cancellation(input.order_id, '', sagaId, idempotencyKey());
          // The whole payment comes back: the order's own total, never an amount from the caller.
          return {
            order,
            transactionId: required(order.transaction_id ?? undefined, 'transaction'),
            refundAmount: order.total,
          };
        },
        compensate: async (context) => {
          await callOffRefund(clients, context);
          const { sagaId, input, idempotencyKey } = context;
          await unlessAbsent(orders.cancellation(input.order_id, 'abort', sagaId, idempotencyKey('compensate')));
        },
      },
      refundStep<CancellationInput, CancellationData>(clients),
      {
        name: 'restock_items',
        run: async ({ sagaId, data, idempotencyKey }) => {
          const lines = required(data.order, 'order').lines.map((line) => ({
            product_id: line.product_id,
            quantity: line.quantity,
          }));
          await products.restock(`cancel-${sagaId}`, lines, idempotencyKey());
          return {};
        },
      },
      {
        name: 'cancel_order',
        run: async ({ sagaId, input, idempotencyKey }) => ({
          order: await orders.cancellation(input.order_id, 'complete', sagaId, idempotencyKey()),
        }),
      },
    ],
  };
}
