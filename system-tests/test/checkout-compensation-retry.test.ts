import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestCluster, useTestDatabase, useTestFixture, type TestCluster } from '@ecomm/testing';
import {
  domainServices,
  shopClient,
  spawnOrchestrator,
  testHooks,
  urlsOf,
  type OrchestratorProcess,
  type SagaRun,
  type Shop,
} from './checkout-fixtures.js';
import { expectUntouched, snapshot } from './checkout-invariants.js';
import { startVoidFailingProxy } from './holding-proxy.js';

const database = useTestDatabase();
let cluster: TestCluster;
/** Between the orchestrator and the payment service: its voids fail while `failing`, as when that service is down. */
let payments: Awaited<ReturnType<typeof startVoidFailingProxy>>;
let orchestrator: OrchestratorProcess;
let shop: Shop;

useTestFixture(
  async () => {
    cluster = await startTestCluster(domainServices, database, testHooks);
    payments = await startVoidFailingProxy(cluster.urls.payment!);
    orchestrator = await spawnOrchestrator(database, cluster, {
      PAYMENT_SERVICE_URL: payments.url,
      SAGA_COMPENSATION_RETRY_MS: '1000',
      SAGA_COMPENSATION_RETRIES: '6',
    });
    shop = shopClient(urlsOf(cluster, orchestrator.url));
  },
  async () => {
    await orchestrator.stop();
    await payments.close();
    await cluster.stop();
  },
  database,
);

describe('a checkout whose undo failed', () => {
  test('is undone by the sweep once the payment service answers again, with no operator', async () => {
    const lamp = await shop.createProduct('Desk lamp', 89, 5);
    const shopper = await shop.newShopper([{ product: lamp, quantity: 2 }]);
    const before = await snapshot(shop, shopper);

    payments.failing = true;
    const { status, body } = await shop.checkout(shopper, { 'x-payment-simulate': 'decline' });
    assert.equal(status, 402, JSON.stringify(body));
    assert.match(JSON.stringify(body), /the cart stays held until it is/);
    const failed = await shop.sagaOf(shopper.sessionId);
    assert.equal(failed.status, 'compensation_failed');
    // The void could not fence the order off, so nothing it pays for is given back yet.
    assert.equal(await shop.stockOf(lamp.id), 3);
    assert.equal((await shop.cart(shopper.sessionId)).status, 'checking_out');

    // Down a while longer: the sweep's first two retries fail too (after 1 s, then 2 s), and the run waits again.
    const twiceRetried = (run: SagaRun) => run.compensation_retries === 2 && run.status === 'compensation_failed';
    for (let waited = 0; !twiceRetried(await shop.sagaOf(shopper.sessionId)); waited += 100) {
      assert.ok(waited < 30_000, 'the sweep retried the undo twice within 30 s');
      await sleep(100);
    }
    assert.equal(await shop.stockOf(lamp.id), 3, 'still held while the void fails');
    assert.equal((await shop.cart(shopper.sessionId)).status, 'checking_out');

    payments.failing = false;
    const run = await shop.waitForSaga(shopper.sessionId, (found) => found.status === 'compensated', 30_000);
    assert.equal(run.compensation_retries, 3);
    // Three attempts by the checkout, three by each failed retry, then the one that voided.
    assert.equal(run.steps!.find((step) => step.name === 'charge_payment')!.compensation_attempts, 10);
    assert.deepEqual(
      run.steps!.map((step) => [step.name, step.status]),
      [
        ['claim_cart', 'compensated'],
        ['reserve_stock', 'compensated'],
        ['create_order', 'compensated'],
        ['charge_payment', 'compensated'],
        ['confirm_order', 'pending'],
        ['complete_claim', 'pending'],
      ],
    );
    await expectUntouched(shop, shopper, before);
  });
});
