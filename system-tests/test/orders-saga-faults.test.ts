import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Product } from '@ecomm/contracts';
import { beforeTests } from '@ecomm/testing';
import { useShop, type Reply, type Shopper } from './checkout-fixtures.js';
import { expectConsistent, orderClient, purchase, settled, type OrderClient } from './order-fixtures.js';

const shop = useShop();
let orders: OrderClient;
let racket: Product;
let balls: Product;
const start = new Map<number, number>();
const placed: string[] = [];

beforeTests(async () => {
  orders = orderClient(shop);
  racket = await shop.createProduct('Racket', 120.5, 200);
  balls = await shop.createProduct('Tennis balls', 3.33, 1000);
  start.set(racket.id, 200).set(balls.id, 1000);
});

interface Operation {
  name: string;
  stage: 'paid' | 'delivered';
  steps: string[];
  perform: (shopper: Shopper, orderId: string, fault: string) => Promise<Reply>;
  /** The order's status once the operation went through, and once it was undone. */
  done: string;
  undone: string;
}

const operations: Operation[] = [
  {
    name: 'cancellation',
    stage: 'paid',
    steps: ['hold_order', 'refund_payment', 'restock_items', 'cancel_order'],
    perform: (shopper, orderId, fault) => orders.cancel(shopper, orderId, { 'x-saga-fault': fault }),
    done: 'cancelled',
    undone: 'paid',
  },
  {
    name: 'return',
    stage: 'delivered',
    steps: ['start_return', 'refund_payment', 'restock_items', 'complete_return'],
    perform: (shopper, orderId, fault) =>
      orders.returnItems(shopper, orderId, [{ product_id: balls.id, quantity: 2 }], { 'x-saga-fault': fault }),
    done: 'partially_returned',
    undone: 'delivered',
  },
];

const statusOf = async (shopper: Shopper, orderId: string) => (await orders.get(shopper, orderId)).body.status;

for (const operation of operations) {
  describe(`a failure injected at each step of the ${operation.name} saga ends consistent`, () => {
    operation.steps.forEach((step, index) => {
      const beforePivot = index <= 1;

      test(`${step}: a failing first attempt ${beforePivot ? 'is undone (502), nothing refunded' : 'is retried and completes'}`, async () => {
        const { shopper, orderId } = await purchase(
          shop,
          [
            { product: racket, quantity: 1 },
            { product: balls, quantity: 5 },
          ],
          operation.stage,
        );
        placed.push(orderId);
        const reply = await operation.perform(shopper, orderId, `${step}:error`);
        assert.equal(reply.status, beforePivot ? 502 : 200, JSON.stringify(reply.body));
        if (beforePivot) assert.match(reply.body.message!, /Nothing was refunded and the order is as it was/);
        await settled(shop, orderId);
        assert.equal(await statusOf(shopper, orderId), beforePivot ? operation.undone : operation.done);
        await expectConsistent(shop, placed, start);
      });

      test(`${step}: a refusal for good ${beforePivot ? 'is undone (409)' : 'parks the run for an operator, whose retry finishes it'}`, async () => {
        const { shopper, orderId } = await purchase(
          shop,
          [
            { product: racket, quantity: 1 },
            { product: balls, quantity: 5 },
          ],
          operation.stage,
        );
        placed.push(orderId);
        const reply = await operation.perform(shopper, orderId, `${step}:reject`);
        if (beforePivot) {
          assert.deepEqual([reply.status, reply.body.code], [409, 'INJECTED_REJECTION']);
          assert.equal(await statusOf(shopper, orderId), operation.undone);
        } else {
          assert.deepEqual([reply.status, reply.body.status], [202, 'processing']);
          const sagaId = reply.body.saga_id as string;
          assert.equal((await shop.admin('GET', `/${sagaId}`)).body.status, 'needs_attention');
          const retried = await shop.admin('POST', `/${sagaId}/retry`);
          assert.deepEqual([retried.status, retried.body.status], [200, 'completed']);
          assert.equal(await statusOf(shopper, orderId), operation.done);
        }
        await settled(shop, orderId);
        await expectConsistent(shop, placed, start);
      });
    });
  });
}
