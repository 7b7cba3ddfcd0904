import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import pg from 'pg';
import { internalHeaders, useTestDatabase } from '@ecomm/testing';
import { testHooks, useShop } from './checkout-fixtures.js';
import { snapshot } from './checkout-invariants.js';

const database = useTestDatabase();
const shop = useShop(testHooks, database);

const postProduct = (price: number) =>
  fetch(`${shop.urls.product}/`, {
    method: 'POST',
    headers: { ...internalHeaders, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Free sticker', price, stock: 5 }),
  });

describe('a price of 0', () => {
  test('is refused when a product is created or repriced, with a reason', async () => {
    const created = await postProduct(0);
    assert.equal(created.status, 400);
    assert.match(((await created.json()) as { message: string }).message, /price.*at least 0\.01/);
    const sticker = await shop.createProduct('Sticker', 0.5, 5);
    const repriced = await fetch(`${shop.urls.product}/${sticker.id}`, {
      method: 'PATCH',
      headers: { ...internalHeaders, 'content-type': 'application/json' },
      body: JSON.stringify({ price: 0 }),
    });
    assert.equal(repriced.status, 400);
  });

  test("a free item already in the catalog: the shopper is told in plain words, never the payment service's field names", async () => {
    const sticker = await shop.createProduct('Old free sticker', 0.5, 5);
    // A row from before the rule (or written by hand): price 0 in the product service's own table.
    const client = new pg.Client({ connectionString: database.urlFor('product') });
    await client.connect();
    await client.query('update product.products set price_cents = 0 where id = $1', [sticker.id]);
    await client.end();
    const shopper = await shop.newShopper([{ product: sticker, quantity: 1 }]);
    const before = await snapshot(shop, shopper);

    const reply = await shop.checkout(shopper);
    assert.equal(reply.status, 422, JSON.stringify(reply.body));
    assert.doesNotMatch(reply.body.message ?? '', /body\.|amount|0\.01/);
    assert.match(reply.body.message ?? '', /cannot be checked out.*Nothing was charged/);
    const cart = await shop.cart(shopper.sessionId);
    assert.deepEqual({ status: cart.status, items: cart.items }, { status: 'open', items: before.items });
  });
});
