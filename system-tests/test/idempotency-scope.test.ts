import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import { signTestToken } from '@ecomm/testing';
import { useShop, type Shopper } from './checkout-fixtures.js';

const shop = useShop();

async function shopperWithALaptop() {
  const laptop = await shop.createProduct('Laptop', 999.99, 5);
  return shop.newShopper([{ product: laptop, quantity: 1 }]);
}

/** Another signed-in user, who knows the shopper's session id and key. */
async function intruder(): Promise<Shopper> {
  const userId = randomUUID();
  return { userId, token: await signTestToken(userId), sessionId: 'none' };
}

describe('Idempotency-Key on user routes belongs to the user who sent it', () => {
  test("another user replaying the shopper's key with the same body does not get the shopper's receipt", async () => {
    const shopper = await shopperWithALaptop();
    const key = `checkout-${randomUUID()}`;
    const first = await shop.checkout(shopper, { 'idempotency-key': key });
    assert.equal(first.status, 201, JSON.stringify(first.body));

    const other = await intruder();
    const stolen = await shop.checkout({ ...other, sessionId: shopper.sessionId }, { 'idempotency-key': key });
    assert.equal(stolen.status, 403, JSON.stringify(stolen.body));
    assert.equal(stolen.body.order_id, undefined);
    assert.equal(stolen.body.transaction_id, undefined);

    // The shopper's own retry still replays its receipt.
    const retried = await shop.checkout(shopper, { 'idempotency-key': key });
    assert.deepEqual(retried.body, first.body);
  });

  test("a key squatted by another user neither replays that user's refusal nor blocks the shopper", async () => {
    const shopper = await shopperWithALaptop();
    const key = `checkout-${shopper.sessionId}`;
    const other = await intruder();
    const squatted = await shop.checkout({ ...other, sessionId: shopper.sessionId }, { 'idempotency-key': key });
    assert.equal(squatted.status, 403);

    const own = await shop.checkout(shopper, { 'idempotency-key': key });
    assert.equal(own.status, 201, JSON.stringify(own.body));
  });
});
