import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { orchestratorService } from '@ecomm/orchestrator-service/service';
import { startTestCluster, startTestService, useTestDatabase, useTestFixture, type TestCluster } from '@ecomm/testing';
import { domainServices, shopClient, testHooks, urlsOf, type Shop } from './checkout-fixtures.js';
import { expectCheckedOut, expectUntouched, snapshot } from './checkout-invariants.js';
import { heldBeforeAnswer, startHoldingProxy } from './holding-proxy.js';

const database = useTestDatabase();
let cluster: TestCluster;
let orchestrator: Awaited<ReturnType<typeof startTestService>>;
let paymentProxy: Awaited<ReturnType<typeof startHoldingProxy>>;
let orderProxy: Awaited<ReturnType<typeof startHoldingProxy>>;
let sessionProxy: Awaited<ReturnType<typeof startHoldingProxy>>;
let shop: Shop;

// Far beyond the deadline: without one, the request would wait as long as the service is held.
const patience = 60_000;
const isCreation = (request: { method?: string; url?: string }) => request.method === 'POST' && request.url === '/';

useTestFixture(
  async () => {
    cluster = await startTestCluster(domainServices, database, { payment: testHooks.payment });
    paymentProxy = await startHoldingProxy(cluster.urls.payment!);
    orderProxy = await startHoldingProxy(cluster.urls.order!);
    sessionProxy = await startHoldingProxy(cluster.urls.session!);
    // The orchestrator waits a minute for any one answer, but gives the shopper one after two seconds.
    orchestrator = await startTestService(orchestratorService, database, {
      ...cluster.serviceUrls,
      ...testHooks.orchestrator,
      PAYMENT_SERVICE_URL: paymentProxy.url,
      ORDER_SERVICE_URL: orderProxy.url,
      SESSION_SERVICE_URL: sessionProxy.url,
      SERVICE_TIMEOUT_MS: String(patience),
      PAYMENT_TIMEOUT_MS: String(patience),
      CHECKOUT_DEADLINE_MS: '2000',
    });
    shop = shopClient(urlsOf(cluster, orchestrator.url));
  },
  async () => {
    await paymentProxy.close();
    await orderProxy.close();
    await sessionProxy.close();
    await orchestrator.app.close();
    await cluster.stop();
  },
  database,
);

/** The checkout's answer; a request still unanswered long after the deadline fails the test instead of hanging it. */
async function checkoutAnswer(...args: Parameters<Shop['checkout']>) {
  return Promise.race([
    shop.checkout(...args),
    new Promise<never>((_resolve, reject) =>
      setTimeout(() => reject(new Error('the checkout did not answer')), patience / 2).unref(),
    ),
  ]);
}

describe('a checkout past its deadline', () => {
  test('with the charge unanswered: 202 processing, and the run goes on to a paid order once the answer comes', async () => {
    const product = await shop.createProduct('Kettle', 39.5, 4);
    const shopper = await shop.newShopper([{ product, quantity: 2 }]);
    const before = await snapshot(shop, shopper);

    const charged = paymentProxy.holdNext(isCreation);
    const reply = checkoutAnswer(shopper);
    assert.ok(await heldBeforeAnswer(charged, reply), 'answered before the request to hold was sent');
    const { status, body } = await reply;
    assert.equal(status, 202, JSON.stringify(body));
    assert.equal(body.status, 'processing');
    assert.equal((await shop.sagaOf(shopper.sessionId)).status, 'running');

    paymentProxy.release();
    const run = await shop.waitForSaga(shopper.sessionId, (candidate) => candidate.status !== 'running');
    assert.equal(run.status, 'completed');
    const order = await expectCheckedOut(shop, shopper, before);
    assert.equal(order.order_id, body.order_id);
  });

  test('before the payment: 503, the run never charges and is undone once the held step answers', async () => {
    const product = await shop.createProduct('Toaster', 59, 3);
    const shopper = await shop.newShopper([{ product, quantity: 1 }]);
    const before = await snapshot(shop, shopper);

    const ordered = orderProxy.holdNext(isCreation);
    const reply = checkoutAnswer(shopper);
    assert.ok(await heldBeforeAnswer(ordered, reply), 'answered before the request to hold was sent');
    const { status, body } = await reply;
    assert.equal(status, 503, JSON.stringify(body));
    assert.equal(body.code, 'CHECKOUT_TIMED_OUT');
    assert.match(body.message!, /Nothing was charged/);

    orderProxy.release();
    const run = await shop.waitForSaga(
      shopper.sessionId,
      (candidate) => !['running', 'compensating'].includes(candidate.status),
    );
    assert.equal(run.status, 'compensated', JSON.stringify(run.steps));
    assert.equal(
      run.steps!.find((step) => step.name === 'charge_payment')!.attempts,
      0,
      'the charge was never attempted',
    );
    await expectUntouched(shop, shopper, before);
  });

  test('with the cart claim unanswered: 503, and the claim that lands late is released, nothing touched', async () => {
    const product = await shop.createProduct('Mixer', 120, 2);
    const shopper = await shop.newShopper([{ product, quantity: 1 }]);
    const before = await snapshot(shop, shopper);

    const claimed = sessionProxy.holdNext(
      (request) => request.method === 'POST' && request.url === `/${shopper.sessionId}/checkout-claims`,
    );
    const reply = checkoutAnswer(shopper);
    assert.ok(await heldBeforeAnswer(claimed, reply), 'answered before the request to hold was sent');
    const { status, body } = await reply;
    assert.equal(status, 503, JSON.stringify(body));
    assert.equal(body.code, 'CHECKOUT_TIMED_OUT');
    assert.match(body.message!, /Nothing was charged/);

    sessionProxy.release();
    const run = await shop.waitForSaga(
      shopper.sessionId,
      (candidate) => !['running', 'compensating'].includes(candidate.status),
    );
    assert.equal(run.status, 'compensated', JSON.stringify(run.steps));
    assert.deepEqual(run.steps!.map((step) => [step.name, step.status]).slice(0, 2), [
      ['claim_cart', 'compensated'],
      ['reserve_stock', 'pending'],
    ]);
    await expectUntouched(shop, shopper, before);
  });
});
