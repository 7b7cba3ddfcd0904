import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, test } from 'node:test';
import { productService } from '@ecomm/product-service/service';
import { orchestratorService } from '@ecomm/orchestrator-service/service';
import {
  buildTestService,
  startTestCluster,
  startTestService,
  useTestDatabase,
  useTestFixture,
  type TestCluster,
} from '@ecomm/testing';
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
import { expectCheckedOut, expectUntouched, snapshot } from './checkout-invariants.js';

const database = useTestDatabase();
let cluster: TestCluster;
let orchestrator: OrchestratorProcess;
let shop: Shop;

useTestFixture(
  async () => {
    // Slow charges leave time to stop the product service while the payment is under way.
    cluster = await startTestCluster(domainServices, database, {
      payment: { ...testHooks.payment, PAYMENT_LATENCY_MS: '1500' },
    });
    orchestrator = await spawnOrchestrator(database, cluster, {
      PAYMENT_TIMEOUT_MS: '5000',
      SAGA_STEP_ATTEMPTS: '3',
      SAGA_BACKOFF_MS: '50',
    });
    shop = shopClient(urlsOf(cluster, orchestrator.url));
  },
  async () => {
    await orchestrator.stop();
    await cluster.stop();
  },
  database,
);

async function restartProductService() {
  const { port } = new URL(cluster.urls.product!);
  const app = await buildTestService(productService, database);
  await app.listen({ host: '127.0.0.1', port: Number(port) });
  cluster.apps.product = app;
}

const stepOf = (run: SagaRun, name: string) => run.steps!.find((step) => step.name === name)!;

describe('a compensation that keeps failing', () => {
  test('ends compensation_failed, logged, counted and listed; a retry finishes it once the service is back', async () => {
    const product = await shop.createProduct('Espresso machine', 449, 6);
    const shopper = await shop.newShopper([{ product, quantity: 2 }]);
    const before = await snapshot(shop, shopper);

    const reply = shop.checkout(shopper, { 'x-payment-simulate': 'decline' });
    await shop.waitForSaga(shopper.sessionId, () => true);
    for (;;) {
      const run = await shop.sagaOf(shopper.sessionId);
      if (stepOf(run, 'charge_payment').status === 'running') break;
      await sleep(50);
    }
    await cluster.apps.product!.close();

    const { status, body } = await reply;
    assert.equal(status, 402, JSON.stringify(body));
    const failed = await shop.sagaOf(shopper.sessionId);
    assert.equal(failed.status, 'compensation_failed');
    assert.deepEqual(
      failed.steps!.map((step) => [step.name, step.status]),
      [
        ['claim_cart', 'compensated'],
        ['reserve_stock', 'compensation_failed'],
        ['create_order', 'compensated'],
        ['charge_payment', 'compensated'],
        ['confirm_order', 'pending'],
        ['complete_claim', 'pending'],
      ],
    );
    assert.equal(stepOf(failed, 'reserve_stock').compensation_attempts, 3);
    assert.match(stepOf(failed, 'reserve_stock').error!, /compensation failed: product service is unreachable/);
    // The compensations after the failing one still ran: the order is cancelled and the cart reopened.
    assert.equal((await shop.ordersOf(shopper.userId))[0]!.status, 'cancelled');
    assert.deepEqual((await shop.cart(shopper.sessionId)).items, before.items);

    const listed = await shop.sagasOf(shopper.sessionId, 'compensation_failed');
    assert.deepEqual(
      listed.map((run) => run.saga_id),
      [failed.saga_id],
    );
    const logged = orchestrator.lines.map(
      (line) => JSON.parse(line) as { level: number; sagaId?: string; msg: string },
    );
    assert.ok(
      logged.some(
        (entry) => entry.level === 50 && entry.sagaId === failed.saga_id && /compensation_failed/.test(entry.msg),
      ),
    );
    const metrics = await (await fetch(`${orchestrator.url}/metrics`)).text();
    assert.match(metrics, /ecomm_checkout_total\{status="compensation_failed"[^}]*\} 1/);

    const stillDown = await shop.admin('POST', `/${failed.saga_id}/retry`);
    assert.equal(stillDown.status, 200);
    assert.equal(stillDown.body.status, 'compensation_failed');

    await restartProductService();
    const retried = await shop.admin('POST', `/${failed.saga_id}/retry`);
    assert.equal(retried.status, 200, JSON.stringify(retried.body));
    assert.equal(retried.body.status, 'compensated');
    const run = await shop.sagaOf(shopper.sessionId);
    assert.equal(stepOf(run, 'reserve_stock').status, 'compensated');
    assert.equal(stepOf(run, 'reserve_stock').compensation_attempts, 7);
    await expectUntouched(shop, shopper, before);
    assert.deepEqual(await shop.sagasOf(shopper.sessionId, 'compensation_failed'), []);
  });
});

describe('a charge slower than the orchestrator waits for', () => {
  test('is not a failure: looked up and asked again with the same key until known, then completed, charged once', async () => {
    // A second orchestrator on the same schema that gives up on the payment service after 0.5 s.
    const { app, url } = await startTestService(orchestratorService, database, {
      ...cluster.serviceUrls,
      PAYMENT_TIMEOUT_MS: '500',
      SAGA_BACKOFF_MS: '300',
      SAGA_STEP_ATTEMPTS: '4',
      SAGA_HEARTBEAT_MS: '100',
      SAGA_STALE_AFTER_MS: '1000',
      SAGA_SWEEP_INTERVAL_MS: '250',
    });
    try {
      const impatient = shopClient(urlsOf(cluster, url));
      const product = await impatient.createProduct('Grinder', 129.9, 5);
      const shopper = await impatient.newShopper([{ product, quantity: 1 }]);
      const before = await snapshot(impatient, shopper);
      const { status, body } = await impatient.checkout(shopper);
      assert.ok(status === 201 || status === 202, JSON.stringify(body));
      const run = await impatient.waitForSaga(shopper.sessionId, (each) => each.status === 'completed');
      assert.ok(stepOf(run, 'charge_payment').attempts > 1, 'the charge was asked again');
      await expectCheckedOut(impatient, shopper, before);
    } finally {
      await app.close();
    }
  });
});
