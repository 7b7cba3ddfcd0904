import type { Order, OrderReturn, ReturnLines } from '@ecomm/contracts';
import type { DomainClients } from '../clients/domain-clients.js';
import type { SagaDefinition } from '../saga/saga-definition.js';
import { required, unlessAbsent } from '../saga/step-helpers.js';
import { callOffRefund, refundStep, type RefundData } from './refund-step.js';

export interface ReturnInput {
  user_id: string;
  order_id: string;
  lines: ReturnLines;
}

export interface ReturnData extends RefundData {
  orderReturn: OrderReturn;
  order: Order;
}

/** Count the units as returned → refund exactly them (the pivot) → restock them → return completed. */
export function returnSaga(clients: DomainClients): SagaDefinition<ReturnInput, ReturnData> {
  const { orders, products } = clients;
  return {
    type: 'order_return',
    pivot: 'refund_payment',
    steps: [
      {
        name: 'start_return',
        run: async ({ sagaId, input, idempotencyKey }) => {
          const orderReturn = await orders.startReturn(input.order_id, sagaId, input.lines, idempotencyKey());
          // The order service priced these units at what was paid for them.
          const transactionId = required(orderReturn.order.transaction_id ?? undefined, 'transaction');
          return { orderReturn, order: orderReturn.order, transactionId, refundAmount: orderReturn.refund_amount };
        },
        compensate: async (context) => {
          await callOffRefund(clients, context);
          const { sagaId, input, idempotencyKey } = context;
          await unlessAbsent(orders.finishReturn(input.order_id, sagaId, 'abort', idempotencyKey('compensate')));
        },
      },
      refundStep<ReturnInput, ReturnData>(clients),
      {
        name: 'restock_items',
        run: async ({ sagaId, data, idempotencyKey }) => {
          const lines = required(data.orderReturn, 'return').lines.map((line) => ({
            product_id: line.product_id,
            quantity: line.quantity,
          }));
          await products.restock(`return-${sagaId}`, lines, idempotencyKey());
          return {};
        },
      },
      {
        name: 'complete_return',
        run: async ({ sagaId, input, idempotencyKey }) => {
          const orderReturn = await orders.finishReturn(input.order_id, sagaId, 'complete', idempotencyKey());
          return { orderReturn, order: orderReturn.order };
        },
      },
    ],
  };
}
