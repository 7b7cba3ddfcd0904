import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { useTestDatabase, useTestFixture, type TestCluster } from '@ecomm/testing';
import { startShop, testHooks, type Shop } from './checkout-fixtures.js';
import { orderClient, purchase } from './order-fixtures.js';

const database = useTestDatabase();
let cluster: TestCluster;
let shop: Shop;

useTestFixture(
  async () => {
    const simulation = {
      FULFILLMENT_SIMULATION: 'true',
      FULFILLMENT_SHIP_AFTER_MS: '3000',
      FULFILLMENT_DELIVER_AFTER_MS: '200',
    };
    ({ cluster, shop } = await startShop(database, {
      ...testHooks,
      orchestrator: { ...testHooks.orchestrator, ...simulation },
    }));
  },
  async () => {
    await cluster.stop();
  },
  database,
);

test('with FULFILLMENT_SIMULATION a paid order ships, then is delivered, and can then be returned', async () => {
  const orders = orderClient(shop);
  const mug = await shop.createProduct('Mug', 7.25, 10);
  const { shopper, orderId } = await purchase(shop, [{ product: mug, quantity: 2 }]);
  const seen = new Set<string>();
  const deadline = Date.now() + 30_000;
  while (!seen.has('delivered')) {
    assert.ok(Date.now() < deadline, `order still ${[...seen].join(', ')} after 30 s`);
    const order = await orders.get(shopper, orderId);
    seen.add(order.body.status as string);
    if (!seen.has('delivered')) await sleep(50);
  }
  assert.ok(seen.has('delivered'));
  const returned = await orders.returnItems(shopper, orderId, [{ product_id: mug.id, quantity: 1 }]);
  assert.deepEqual([returned.status, returned.body.refund_amount], [200, 7.25]);
});

// Cancelled well within the 3 s before its shipment is due.
test('an order cancelled before its shipment is never shipped', async () => {
  const orders = orderClient(shop);
  const lamp = await shop.createProduct('Lamp', 20, 5);
  const { shopper, orderId } = await purchase(shop, [{ product: lamp, quantity: 1 }]);
  assert.equal((await orders.cancel(shopper, orderId)).status, 200);
  await sleep(3500);
  assert.equal((await orders.get(shopper, orderId)).body.status, 'cancelled');
});
