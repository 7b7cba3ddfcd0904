import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import { signTestToken, testSecrets } from '@ecomm/testing';
import { useShop } from './checkout-fixtures.js';
import { expectCheckedOut, expectUntouched, snapshot } from './checkout-invariants.js';

const shop = useShop();

/** A shopper with a two-line cart of fresh products. */
async function twoLineShopper() {
  const laptop = await shop.createProduct('Laptop', 1999.99, 5);
  const mouse = await shop.createProduct('Mouse', 24.5, 10);
  const shopper = await shop.newShopper([
    { product: laptop, quantity: 2 },
    { product: mouse, quantity: 3 },
  ]);
  return { laptop, mouse, shopper, before: await snapshot(shop, shopper) };
}

describe('POST /checkout, the happy path', () => {
  test('a multi-line cart becomes one paid order with one payment, the stock taken and the cart emptied', async () => {
    const { laptop, mouse, shopper, before } = await twoLineShopper();
    const { status, body } = await shop.checkout(shopper);
    assert.equal(status, 201, JSON.stringify(body));
    assert.deepEqual(body.items, [
      { product_id: laptop.id, name: laptop.name, quantity: 2, unit_price: 1999.99, line_total: 3999.98 },
      { product_id: mouse.id, name: mouse.name, quantity: 3, unit_price: 24.5, line_total: 73.5 },
    ]);
    assert.equal(body.total_paid, 4073.48);
    const order = await expectCheckedOut(shop, shopper, before);
    assert.equal(body.order_id, order.order_id);
    assert.equal(body.transaction_id, order.transaction_id);

    const run = await shop.sagaOf(shopper.sessionId);
    assert.equal(run.status, 'completed');
    assert.deepEqual(
      run.steps!.map((step) => [step.name, step.status, step.attempts]),
      [
        ['claim_cart', 'succeeded', 1],
        ['reserve_stock', 'succeeded', 1],
        ['create_order', 'succeeded', 1],
        ['charge_payment', 'succeeded', 1],
        ['confirm_order', 'succeeded', 1],
        ['complete_claim', 'succeeded', 1],
      ],
    );
  });
});

describe('POST /checkout, a failure at each step in turn', () => {
  const beforePivot = ['claim_cart', 'reserve_stock', 'create_order', 'charge_payment'];
  for (const step of beforePivot) {
    test(`an error at ${step} is compensated: nothing charged, order cancelled, stock and cart as before`, async () => {
      const { shopper, before } = await twoLineShopper();
      const { status, body } = await shop.checkout(shopper, { 'x-saga-fault': `${step}:error` });
      assert.equal(status, 502, JSON.stringify(body));
      assert.match(body.message!, new RegExp(`Checkout failed at ${step.replace('_', ' ')}`));
      await expectUntouched(shop, shopper, before);
      const run = await shop.sagaOf(shopper.sessionId);
      assert.equal(run.status, 'compensated');
      assert.equal(run.steps!.find((each) => each.name === step)!.status, 'compensated');
    });
  }

  test('a declined payment is a 402 with the reason; stock restored, order cancelled, cart as it was', async () => {
    const { shopper, before } = await twoLineShopper();
    const { status, body } = await shop.checkout(shopper, { 'x-payment-simulate': 'decline' });
    assert.equal(status, 402, JSON.stringify(body));
    assert.equal(body.message, 'Card declined by issuer');
    await expectUntouched(shop, shopper, before);
    const [order] = await shop.ordersOf(shopper.userId);
    assert.equal(order!.status, 'cancelled');
    assert.equal((await shop.paymentsFor(order!.order_id))[0]!.status, 'declined');
  });

  test('a payment gateway error fails the checkout and undoes it', async () => {
    const { shopper, before } = await twoLineShopper();
    const { status, body } = await shop.checkout(shopper, { 'x-payment-simulate': 'error' });
    assert.equal(status, 502, JSON.stringify(body));
    await expectUntouched(shop, shopper, before);
  });

  test('a payment that times out but was captured is found by lookup: completed, charged once', async () => {
    const { shopper, before } = await twoLineShopper();
    const { status, body } = await shop.checkout(shopper, { 'x-payment-simulate': 'timeout' });
    assert.equal(status, 201, JSON.stringify(body));
    const order = await expectCheckedOut(shop, shopper, before);
    assert.equal(body.transaction_id, order.transaction_id);
  });

  for (const step of ['confirm_order', 'complete_claim']) {
    test(`an error at ${step}, past the payment, is retried and the checkout completes`, async () => {
      const { shopper, before } = await twoLineShopper();
      const { status, body } = await shop.checkout(shopper, { 'x-saga-fault': `${step}:error` });
      assert.equal(status, 201, JSON.stringify(body));
      await expectCheckedOut(shop, shopper, before);
      const run = await shop.sagaOf(shopper.sessionId);
      assert.equal(run.status, 'completed');
      assert.equal(run.steps!.find((each) => each.name === step)!.attempts, 2);
    });
  }
});

describe('a refusal past the payment', () => {
  test('is not retried forever: the run needs attention, is listed, and an operator retry finishes it', async () => {
    const { shopper, before } = await twoLineShopper();
    const { status, body } = await shop.checkout(shopper, { 'x-saga-fault': 'confirm_order:reject' });
    assert.equal(status, 202, JSON.stringify(body));
    const run = await shop.sagaOf(shopper.sessionId);
    assert.equal(run.status, 'needs_attention');
    assert.equal((run.failure as { code: string }).code, 'INJECTED_REJECTION');
    const listed = await shop.admin('GET', '?status=needs_attention');
    assert.ok((listed.body.items as { saga_id: string }[]).some((each) => each.saga_id === run.saga_id));
    const [order] = await shop.ordersOf(shopper.userId);
    assert.equal(order?.status, 'pending', 'charged but not yet confirmed');
    assert.equal((await shop.paymentsFor(order!.order_id))[0]?.status, 'captured');
    // Emptying the cart runs alongside the confirmation, so the refusal did not hold it back.
    const cart = await shop.cart(shopper.sessionId);
    assert.deepEqual({ status: cart.status, items: cart.items }, { status: 'open', items: [] });
    assert.equal(run.steps!.find((step) => step.name === 'complete_claim')?.status, 'succeeded');

    const retried = await shop.admin('POST', `/${run.saga_id}/retry`);
    assert.equal(retried.status, 200);
    assert.equal(retried.body.status, 'completed');
    await expectCheckedOut(shop, shopper, before);
  });

  test('emptying the cart refused as the order is confirmed: paid and confirmed once, the retry empties the cart only', async () => {
    const { shopper, before } = await twoLineShopper();
    const { status, body } = await shop.checkout(shopper, { 'x-saga-fault': 'complete_claim:reject' });
    assert.equal(status, 202, JSON.stringify(body));
    const run = await shop.sagaOf(shopper.sessionId);
    assert.equal(run.status, 'needs_attention');
    assert.equal((run.failure as { step: string }).step, 'complete_claim');
    assert.deepEqual(
      run.steps!.slice(4).map((step) => [step.name, step.status]),
      [
        ['confirm_order', 'succeeded'],
        ['complete_claim', 'failed'],
      ],
    );
    const [order] = await shop.ordersOf(shopper.userId);
    assert.equal(order?.status, 'paid', 'confirmed alongside the refusal');
    assert.equal((await shop.cart(shopper.sessionId)).items.length, before.items.length, 'the cart is not emptied yet');

    const retried = await shop.admin('POST', `/${run.saga_id}/retry`);
    assert.equal(retried.status, 200);
    assert.equal(retried.body.status, 'completed');
    const after = await shop.sagaOf(shopper.sessionId);
    assert.equal(after.steps!.find((step) => step.name === 'confirm_order')?.attempts, 1, 'not confirmed again');
    await expectCheckedOut(shop, shopper, before);
  });
});

describe('POST /checkout, refusals', () => {
  test('short stock is a 409 naming each short product, what was asked and what is available; the cart is left as it was', async () => {
    const { laptop, mouse, shopper, before } = await twoLineShopper();
    await shop.setStock(laptop.id, 1);
    await shop.setStock(mouse.id, 2);
    const { status, body } = await shop.checkout(shopper);
    assert.equal(status, 409, JSON.stringify(body));
    assert.equal(body.code, 'INSUFFICIENT_STOCK');
    assert.match(body.message!, new RegExp(`${laptop.name} \\(requested 2, available 1\\)`));
    assert.match(body.message!, new RegExp(`${mouse.name} \\(requested 3, available 2\\)`));
    assert.deepEqual(body.details, {
      lines: [
        { product_id: laptop.id, name: laptop.name, requested: 2, available: 1 },
        { product_id: mouse.id, name: mouse.name, requested: 3, available: 2 },
      ],
    });
    await expectUntouched(shop, shopper, {
      ...before,
      stock: new Map([
        [laptop.id, 1],
        [mouse.id, 2],
      ]),
    });
    assert.equal((await shop.sagaOf(shopper.sessionId)).status, 'compensated');
  });

  test('an empty cart is a 409 "Cart is empty" and leaves no order', async () => {
    const shopper = await shop.newShopper([]);
    const { status, body } = await shop.checkout(shopper);
    assert.equal(status, 409);
    assert.equal(body.message, 'Cart is empty');
    assert.deepEqual(await shop.ordersOf(shopper.userId), []);
  });

  test("another user's cart is a 403 and is not touched; an unknown session is a 404", async () => {
    const { shopper, before } = await twoLineShopper();
    const intruder = await shop.newShopper([]);
    const stolen = await shop.checkout({ ...intruder, sessionId: shopper.sessionId });
    assert.equal(stolen.status, 403, JSON.stringify(stolen.body));
    assert.deepEqual([stolen.body.code, stolen.body.message], ['FORBIDDEN', 'This session belongs to another user']);
    await expectUntouched(shop, shopper, before);
    // The claim refused it, in the intruder's name: a run undone at its first step, having claimed nothing.
    const run = await shop.sagaOf(shopper.sessionId);
    assert.equal(run.status, 'compensated');
    const { step, code } = run.failure as { step: string; code: string };
    assert.deepEqual([step, code], ['claim_cart', 'FORBIDDEN']);
    assert.equal(run.input.user_id, intruder.userId);
    const unknown = await shop.checkout({ ...intruder, sessionId: 'no-such-cart' });
    assert.deepEqual(
      [unknown.status, unknown.body.code, unknown.body.message],
      [404, 'NOT_FOUND', 'Session no-such-cart not found'],
    );
  });

  test('without a user token the checkout is a 401', async () => {
    const { shopper } = await twoLineShopper();
    assert.equal((await shop.checkout({ ...shopper, token: 'not-a-token' })).status, 401);
  });
});

describe('the admin API', () => {
  test('lists runs by status, shows one step by step, and refuses to retry a run that did not fail', async () => {
    const { shopper } = await twoLineShopper();
    const { body } = await shop.checkout(shopper);
    const listed = await shop.admin('GET', '?status=completed&limit=100');
    assert.equal(listed.status, 200);
    const items = listed.body.items as { saga_id: string; status: string }[];
    assert.ok(items.some((run) => run.saga_id === body.saga_id));
    assert.ok(items.every((run) => run.status === 'completed'));

    const run = await shop.admin('GET', `/${body.saga_id}`);
    assert.equal(run.status, 200);
    const steps = run.body.steps as { started_at: string | null; finished_at: string | null; error: string | null }[];
    assert.equal(steps.length, 6);
    assert.ok(steps.every((step) => step.started_at && step.finished_at && step.error === null));

    const retried = await shop.admin('POST', `/${body.saga_id}/retry`);
    assert.equal(retried.status, 409);
    assert.match(
      retried.body.message!,
      /is completed; only a compensation_failed or needs_attention run can be retried/,
    );
    assert.equal((await shop.admin('GET', `/${randomUUID()}`)).status, 404);
    assert.equal((await shop.admin('POST', `/${randomUUID()}/retry`)).status, 404);
    assert.equal((await shop.admin('GET', '?status=lost')).status, 400);
  });

  // An admin's token is confirmed with the auth service, which this cluster has not: admin-roles.test.ts has both.
  test("requires the internal API key; a shopper's token is refused", async () => {
    assert.equal((await fetch(`${shop.urls.orchestrator}/admin/sagas`)).status, 403);
    const wrongKey = { headers: { 'x-internal-api-key': 'not-the-internal-api-key' } };
    assert.equal((await fetch(`${shop.urls.orchestrator}/admin/sagas`, wrongKey)).status, 403);
    const user = { headers: { authorization: `Bearer ${await signTestToken(randomUUID())}` } };
    assert.equal((await fetch(`${shop.urls.orchestrator}/admin/sagas`, user)).status, 403);
    const internal = { headers: { 'x-internal-api-key': testSecrets.INTERNAL_API_KEY } };
    assert.equal((await fetch(`${shop.urls.orchestrator}/admin/sagas`, internal)).status, 200);
  });
});
