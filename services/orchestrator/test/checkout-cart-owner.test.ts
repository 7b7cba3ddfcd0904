import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import type { FakeShop } from './fake-shop.js';
import { useSagaRepository } from './saga-harness.js';
import { checkoutCalls, shopServices } from './shop-services.js';
import { shopper, shopWithFilledCart } from './tool-harness.js';

// The checkout service over a fake shop, as POST /checkout calls it: the cart's owner is checked by the claim, which
// carries the user, and by nothing before it.

const database = useSagaRepository();
let shop: FakeShop;

beforeEach(async () => {
  shop = await shopWithFilledCart();
  shop.take();
});

const checkout = (userId: string, sessionId = shopper.sessionId) =>
  shopServices(shop, database.repository).checkout.checkout({ userId, sessionId });

test("a checkout's only look at the cart is its claim, made in the shopper's name", async () => {
  const receipt = await checkout(shopper.userId);
  assert.equal(receipt.status, 'completed');
  const claim = shop.calls.find((call) => call.name === 'carts.claim')!;
  assert.deepEqual(claim.args.slice(0, 3), [shopper.sessionId, `checkout-${receipt.saga_id}`, shopper.userId]);
  assert.deepEqual(shop.take(), checkoutCalls, 'no read of the cart before the saga');
});

test("another user's cart is a 403 as before: nothing claimed, reserved, ordered or charged", async () => {
  await assert.rejects(checkout('someone-else'), {
    statusCode: 403,
    code: 'FORBIDDEN',
    message: 'This session belongs to another user',
  });
  const calls = shop.take();
  assert.equal(calls[0], 'carts.claim');
  for (const effect of ['products.reserve', 'orders.create', 'payments.charge'])
    assert.ok(!calls.includes(effect), `${effect} in ${calls.join(', ')}`);
  const cart = shop.carts.get(shopper.sessionId)!;
  assert.deepEqual([cart.status, cart.items.length], ['open', 2]);
  assert.equal(shop.orders.size, 0);
});

test('an unknown cart is a 404 naming the session, as before', async () => {
  await assert.rejects(checkout(shopper.userId, 'no-such-cart'), {
    statusCode: 404,
    code: 'NOT_FOUND',
    message: 'Session no-such-cart not found',
  });
});
