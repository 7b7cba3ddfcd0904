import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { beforeTests } from '@ecomm/testing';
import { useShop } from './checkout-fixtures.js';
import { expectConsistent, orderClient, purchase, settled, type OrderClient } from './order-fixtures.js';

const shop = useShop();
let orders: OrderClient;

beforeTests(async () => {
  orders = orderClient(shop);
});

const sagas = {
  cancel: ['hold_order', 'refund_payment', 'restock_items', 'cancel_order'],
  return: ['start_return', 'refund_payment', 'restock_items', 'complete_return'],
} as const;

/**
 * A failure at each step of each after-purchase saga. Up to the refund (the pivot) any failure undoes the operation:
 * a passing one (`error`) is a 502 "try again", one for good (`reject`) the 409. Past the refund a passing one is
 * retried and the operation completes; one for good parks the run for an operator, whose retry finishes it. Money,
 * stock and the order agree every time.
 */
describe('a failure injected at each step of the cancellation and return sagas', () => {
  for (const [operation, steps] of Object.entries(sagas)) {
    for (const [index, step] of steps.entries()) {
      for (const mode of ['error', 'reject'] as const) {
        test(`${operation}, ${step}: ${mode}`, async () => {
          const balls = await shop.createProduct('Balls', 3.33, 10);
          const { shopper, orderId } = await purchase(
            shop,
            [{ product: balls, quantity: 3 }],
            operation === 'cancel' ? 'paid' : 'delivered',
          );
          const fault = { 'x-saga-fault': `${step}:${mode}` };
          const reply =
            operation === 'cancel'
              ? await orders.cancel(shopper, orderId, fault)
              : await orders.returnItems(shopper, orderId, [{ product_id: balls.id, quantity: 2 }], fault);
          const undone = index <= 1;
          if (undone) assert.equal(reply.status, mode === 'error' ? 502 : 409, JSON.stringify(reply.body));
          else if (mode === 'error') assert.equal(reply.status, 200, JSON.stringify(reply.body));
          else {
            assert.equal(reply.status, 202, JSON.stringify(reply.body));
            const sagaId = reply.body.saga_id as string;
            assert.equal(
              ((await shop.admin('GET', `/${sagaId}`)).body as { status: string }).status,
              'needs_attention',
            );
            assert.equal((await shop.admin('POST', `/${sagaId}/retry`)).status, 200);
          }
          await settled(shop, orderId);
          const expected = undone
            ? operation === 'cancel'
              ? 'paid'
              : 'delivered'
            : operation === 'cancel'
              ? 'cancelled'
              : 'partially_returned';
          assert.equal((await orders.get(shopper, orderId)).body.status, expected);
          await expectConsistent(shop, [orderId], new Map([[balls.id, 10]]));
        });
      }
    }
  }
});
