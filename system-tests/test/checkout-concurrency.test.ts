import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { useShop } from './checkout-fixtures.js';
import { expectCheckedOut, expectUntouched, snapshot } from './checkout-invariants.js';

const shop = useShop();

describe('one cart, several checkouts', () => {
  test('checked out twice in a row: the second is "Cart is empty" and nothing more is charged', async () => {
    const product = await shop.createProduct('Kettle', 35, 10);
    const shopper = await shop.newShopper([{ product, quantity: 2 }]);
    const before = await snapshot(shop, shopper);
    assert.equal((await shop.checkout(shopper)).status, 201);
    const second = await shop.checkout(shopper);
    assert.equal(second.status, 409);
    assert.equal(second.body.message, 'Cart is empty');
    await expectCheckedOut(shop, shopper, before);
  });

  test('checked out 20 times at once: exactly one order and one charge, the others refused', async () => {
    const product = await shop.createProduct('Toaster', 49.9, 30);
    const other = await shop.createProduct('Bread knife', 12.25, 30);
    const shopper = await shop.newShopper([
      { product, quantity: 3 },
      { product: other, quantity: 1 },
    ]);
    const before = await snapshot(shop, shopper);
    const replies = await Promise.all(Array.from({ length: 20 }, () => shop.checkout(shopper)));
    const statuses = replies.map((reply) => reply.status);
    assert.equal(statuses.filter((status) => status === 201).length, 1, JSON.stringify(statuses));
    assert.ok(
      statuses.every((status) => status === 201 || status === 409),
      JSON.stringify(statuses),
    );
    await expectCheckedOut(shop, shopper, before);
    assert.equal((await shop.ordersOf(shopper.userId)).length, 1);
  });
});

describe('many shoppers, little stock', () => {
  test('50 users race for the last 10 units: 10 paid orders, stock 0, every loser intact and never charged', async () => {
    const product = await shop.createProduct('Limited sneaker', 180, 10);
    const shoppers = await Promise.all(Array.from({ length: 50 }, () => shop.newShopper([{ product, quantity: 1 }])));
    const befores = await Promise.all(shoppers.map((shopper) => snapshot(shop, shopper)));
    const replies = await Promise.all(shoppers.map((shopper) => shop.checkout(shopper)));

    // On a loaded machine a checkout past its payment may outlast the deadline and answer 202 (being confirmed): its
    // run goes on by itself, and it counts by how it ends.
    const paid = await Promise.all(
      shoppers.map(async (shopper, index) => {
        if (replies[index]!.status !== 202) return replies[index]!.status === 201;
        const run = await shop.waitForSaga(shopper.sessionId, (run) => run.status !== 'running', 60_000);
        assert.equal(run.status, 'completed', `a 202 checkout ended ${run.status}`);
        return true;
      }),
    );
    const statuses = JSON.stringify(replies.map((reply) => reply.status));
    assert.equal(paid.filter(Boolean).length, 10, statuses);
    assert.equal(await shop.stockOf(product.id), 0);
    for (const [index, shopper] of shoppers.entries()) {
      const reply = replies[index]!;
      if (paid[index]) {
        await expectCheckedOut(shop, shopper, befores[index]!, false);
      } else {
        assert.equal(reply.status, 409, JSON.stringify(reply.body));
        assert.equal(reply.body.code, 'INSUFFICIENT_STOCK');
        await expectUntouched(shop, shopper, befores[index]!, false);
      }
    }
  });
});
