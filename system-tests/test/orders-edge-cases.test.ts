import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestDatabase, type TestCluster, type TestDatabase } from '@ecomm/testing';
import { startShop, type Shop } from './checkout-fixtures.js';
import { expectConsistent, orderClient, purchase, settled, type OrderClient } from './order-fixtures.js';

let database: TestDatabase;
let cluster: TestCluster;
let shop: Shop;
let orders: OrderClient;

before(async () => {
  database = await createTestDatabase();
  ({ cluster, shop } = await startShop(database));
  orders = orderClient(shop);
});

after(async () => {
  await cluster.stop();
  await database.drop();
});

describe('edge cases of the money path', () => {
  test('a free item in an order can be returned: nothing to refund, the unit goes back, then the rest is returned', async () => {
    const racket = await shop.createProduct('Racket', 120.5, 10);
    const sticker = await shop.createProduct('Sticker', 0, 10);
    const { shopper, orderId } = await purchase(shop, [{ product: racket, quantity: 1 }, { product: sticker, quantity: 2 }], 'delivered');
    const free = await orders.returnItems(shopper, orderId, [{ product_id: sticker.id, quantity: 2 }]);
    assert.equal(free.status, 200, JSON.stringify(free.body));
    assert.equal(free.body.refund_amount, 0);
    const rest = await orders.returnItems(shopper, orderId, [{ product_id: racket.id, quantity: 1 }]);
    assert.equal(rest.status, 200, JSON.stringify(rest.body));
    await settled(shop, orderId);
    assert.equal((await orders.get(shopper, orderId)).body.status, 'returned');
    await expectConsistent(shop, [orderId], new Map([[racket.id, 10], [sticker.id, 10]]));
  });
});
