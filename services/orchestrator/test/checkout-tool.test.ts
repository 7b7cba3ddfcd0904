import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import type { CheckoutReceipt } from '@ecomm/contracts';
import { AppError } from '@ecomm/platform';
import { createCheckoutTools } from '../src/agents/tools/checkout-tools.js';
import type { FakeShop } from './fake-shop.js';
import { useSagaRepository } from './saga-harness.js';
import { checkoutCalls, shopServices } from './shop-services.js';
import { callConfirmedTool, callTool, shopper, shopWithFilledCart } from './tool-harness.js';

// The checkout tool over a fake shop: the real checkout saga runs (on a real saga store), with and without the
// shopper's confirmation.

const database = useSagaRepository();
let shop: FakeShop;

beforeEach(async () => {
  shop = await shopWithFilledCart();
  shop.take();
});

function checkoutTool(confirmation: boolean) {
  const { shopping, checkout } = shopServices(shop, database.repository);
  return createCheckoutTools(shopping, checkout, { confirmation }).checkout;
}

const writes = () => shop.take().filter((call) => !['carts.get', 'products.get'].includes(call));

test('without confirmation the cart is bought at once, and the receipt names what was paid', async () => {
  const { message, content } = await callTool(checkoutTool(false));

  assert.deepEqual(shop.take(), checkoutCalls);
  const receipt = message.artifact as CheckoutReceipt;
  assert.equal(receipt.status, 'completed');
  assert.equal(receipt.total_paid, 21);
  assert.deepEqual(content.receipt, receipt);
  assert.equal(
    content.message,
    [
      'Order placed and paid:',
      '- 2 × Keychain at $4.50 = $9.00',
      '- 1 × Mug at $12.00 = $12.00',
      `Order ID: ${receipt.order_id}`,
      `Transaction ID: ${receipt.transaction_id}`,
      'Total paid: $21.00',
    ].join('\n'),
  );
  assert.deepEqual(shop.carts.get(shopper.sessionId)!.items, []);
  assert.equal(shop.orders.get(receipt.order_id)!.status, 'paid');
  assert.deepEqual([shop.products.get(1)!.stock, shop.products.get(2)!.stock], [8, 2]);
});

test('with confirmation it asks first, exactly what will be paid, and buys only on a plain yes', async () => {
  const call = await callConfirmedTool(checkoutTool(true));

  assert.deepEqual(call.asked, {
    question: 'You are about to pay $21.00 for 2 × Keychain ($9.00), 1 × Mug ($12.00). Reply "yes" to confirm.',
    summary: '2 × Keychain ($9.00), 1 × Mug ($12.00)',
    total: 21,
    action: 'pay',
  });
  assert.deepEqual(writes(), [], 'nothing is written before the answer');

  const { content } = await call.answer('yes please');

  assert.deepEqual(writes(), checkoutCalls);
  assert.equal(content.ok, true);
  assert.equal((content.receipt as CheckoutReceipt).total_paid, 21);
});

test('any answer but a plain yes buys nothing', async () => {
  for (const answer of ['no', 'ok, wait, no', 'yes but remove the mug']) {
    const call = await callConfirmedTool(checkoutTool(true), {}, `declined-${answer}`);
    const { content } = await call.answer(answer);
    assert.deepEqual(
      content,
      { ok: false, error: 'Checkout not confirmed, so nothing was charged and the cart is unchanged.' },
      answer,
    );
  }
  assert.deepEqual(writes(), []);
  assert.equal(shop.carts.get(shopper.sessionId)!.items.length, 2);
});

test('a yes to a question about another total buys nothing', async () => {
  const call = await callConfirmedTool(checkoutTool(true));

  const { content } = await call.answer('yes', { ...call.asked!, total: 9 });

  assert.equal(content.ok, false);
  assert.match(content.error!, /^The cart changed after you were asked \(it is now \$21\.00 for 2 × Keychain/);
  assert.deepEqual(writes(), []);
});

test('a price changing between the yes and the checkout is caught before any charge, and undone', async () => {
  const call = await callConfirmedTool(checkoutTool(true));
  shop.settings.onCall = (name) => {
    if (name === 'carts.claim') shop.products.get(2)!.price = 15;
  };

  const { content } = await call.answer('yes');

  assert.deepEqual(content, {
    ok: false,
    error: 'The cart changed after you confirmed; nothing was charged. Ask for a new preview.',
  });
  // The payment is voided though never charged: the saga cannot know that no other process is charging it.
  const undo = ['payments.voidOrder', 'products.release', 'carts.releaseClaim'];
  assert.deepEqual(writes(), ['carts.claim', 'products.reserve', ...undo]);
  assert.equal(shop.payments.size, 0);
  assert.equal(shop.carts.get(shopper.sessionId)!.items.length, 2);
});

test('an empty cart is refused before asking; a declined card is undone and nothing is kept', async () => {
  shop.carts.get(shopper.sessionId)!.items = [];
  const empty = await callConfirmedTool(checkoutTool(true), {}, 'empty');
  assert.equal(empty.asked, undefined);
  assert.deepEqual(empty.unasked?.content, { ok: false, error: 'Cart is empty' });

  await shop.clients.carts.addItem(shopper.sessionId, 1, 2, 'seed-3');
  shop.settings.declineCharges = true;
  shop.take();
  const { content } = await callTool(checkoutTool(false));

  assert.deepEqual(content, { ok: false, error: 'The card was declined' });
  assert.deepEqual(shop.take(), [
    ...checkoutCalls.slice(0, 4),
    'payments.forOrder',
    'payments.voidOrder',
    'orders.cancel',
    'products.release',
    'carts.releaseClaim',
  ]);
  assert.equal(shop.carts.get(shopper.sessionId)!.status, 'open');
  assert.equal(shop.products.get(1)!.stock, 10);
});

test('a declined card whose charge cannot be voided says the checkout is not undone yet, and keeps the cart held', async () => {
  shop.settings.declineCharges = true;
  shop.settings.onCall = (name) => {
    if (name === 'payments.voidOrder') throw new AppError(503, 'UNAVAILABLE', 'The payment service is down');
  };
  const { content } = await callTool(checkoutTool(false));

  assert.deepEqual(content, {
    ok: false,
    error:
      'The card was declined. Undoing the checkout is not finished, so the cart stays held until it is; this has ' +
      'been reported.',
  });
  // Without the void, a charge still on its way could land: nothing it would pay for is given back.
  assert.equal(shop.carts.get(shopper.sessionId)!.status, 'checking_out');
  assert.equal(shop.products.get(1)!.stock, 8);
});

test('an empty cart whose run cannot void its charge-that-never-was is refused as it is: nothing of the cart is held', async () => {
  shop.carts.get(shopper.sessionId)!.items = [];
  shop.settings.onCall = (name) => {
    if (name === 'payments.voidOrder') throw new AppError(503, 'UNAVAILABLE', 'The payment service is down');
  };
  const { content } = await callTool(checkoutTool(false));

  // The claim was refused, so this run never held the cart: saying it "stays held" would send the shopper waiting.
  assert.deepEqual(content, { ok: false, error: 'Cart is empty' });
  assert.equal(shop.carts.get(shopper.sessionId)!.status, 'open');
});

test('a claim still in progress at the session service is no refusal: with the void failing, the cart may be held', async () => {
  shop.settings.onCall = (name) => {
    if (name === 'carts.claim') throw new AppError(409, 'IDEMPOTENCY_IN_PROGRESS', 'The claim is still in progress');
    if (name === 'payments.voidOrder') throw new AppError(503, 'UNAVAILABLE', 'The payment service is down');
  };
  const { content } = await callTool(checkoutTool(false));

  assert.deepEqual(content, {
    ok: false,
    error:
      'The claim is still in progress. Undoing the checkout is not finished, so the cart stays held until it is; ' +
      'this has been reported.',
  });
});

test('a service failure is told in one sentence, its own full stop kept once', async () => {
  shop.settings.onCall = (name) => {
    if (name === 'orders.create') throw new AppError(503, 'UNAVAILABLE', 'The order service is down.');
  };
  const { content } = await callTool(checkoutTool(false));

  assert.deepEqual(content, {
    ok: false,
    error: 'Checkout failed at create order: The order service is down. Nothing was charged and the cart is unchanged.',
  });
});
