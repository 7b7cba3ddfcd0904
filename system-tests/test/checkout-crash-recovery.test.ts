import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import pg from 'pg';
import { orchestratorService } from '@ecomm/orchestrator-service/service';
import { startTestCluster, startTestService, useTestDatabase, useTestFixture, type TestCluster } from '@ecomm/testing';
import {
  domainServices,
  quickRecovery,
  shopClient,
  spawnOrchestrator,
  testHooks,
  urlsOf,
  type OrchestratorProcess,
  type Shop,
} from './checkout-fixtures.js';
import { expectCheckedOut, expectUntouched, snapshot } from './checkout-invariants.js';

const finished = (run: { status: string }) => !['running', 'compensating'].includes(run.status);

const database = useTestDatabase();
let cluster: TestCluster;
let orchestrator: OrchestratorProcess;
let shop: Shop;

async function startOrchestrator(environment: Record<string, string> = {}) {
  orchestrator = await spawnOrchestrator(database, cluster, environment);
  shop = shopClient(urlsOf(cluster, orchestrator.url));
}

useTestFixture(
  async () => {
    cluster = await startTestCluster(domainServices, database, testHooks);
    await startOrchestrator();
  },
  async () => {
    await orchestrator.stop();
    await cluster.stop();
  },
  database,
);

/** The steps of the session's run as its record says, read from the database while no orchestrator runs. */
async function stepsRecorded(sessionId: string) {
  const client = new pg.Client({ connectionString: database.urlFor('orchestrator') });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string; status: string }>(
      `select step.name, step.status from orchestrator.saga_steps step
       join orchestrator.saga_runs run on run.id = step.saga_id
       where run.input->>'session_id' = $1 order by step.position`,
      [sessionId],
    );
    return rows.map((step) => [step.name, step.status]);
  } finally {
    await client.end();
  }
}

/** Waits for the restarted process to finish the session's run: completed, every step succeeded. */
async function expectCompletedWithEveryStep(sessionId: string) {
  const run = await shop.waitForSaga(sessionId, finished);
  assert.equal(run.status, 'completed', JSON.stringify(run));
  assert.ok(
    run.steps!.every((step) => step.status === 'succeeded'),
    JSON.stringify(run.steps),
  );
}

/** Checks out with a crash fault: the request dies with the process, which must have been killed. */
async function crashingCheckout(fault: string) {
  const laptop = await shop.createProduct('Laptop', 999.99, 4);
  const cable = await shop.createProduct('Cable', 9.5, 20);
  const shopper = await shop.newShopper([
    { product: laptop, quantity: 1 },
    { product: cable, quantity: 4 },
  ]);
  const before = await snapshot(shop, shopper);
  await assert.rejects(shop.checkout(shopper, { 'x-saga-fault': fault }), 'the request dies with the process');
  assert.deepEqual(await orchestrator.exited, { code: null, signal: 'SIGKILL' });
  return { shopper, before };
}

describe('the orchestrator killed mid-checkout, then restarted', () => {
  for (const fault of ['create_order:crash-after', 'charge_payment:crash-before']) {
    test(`killed at ${fault}, before the payment: the restarted process compensates the run`, async () => {
      const { shopper, before } = await crashingCheckout(fault);
      // Left half done: an order waiting, the stock held, the cart locked.
      const [order] = await shop.ordersOf(shopper.userId);
      assert.equal(order!.status, 'pending');
      assert.equal((await shop.cart(shopper.sessionId)).status, 'checking_out');
      assert.notDeepEqual(await snapshot(shop, shopper), before);

      await startOrchestrator();
      const run = await shop.waitForSaga(shopper.sessionId, finished);
      assert.equal(run.status, 'compensated', JSON.stringify(run));
      assert.deepEqual(run.failure, {
        step: fault.split(':')[0],
        statusCode: 503,
        code: 'INTERRUPTED',
        message: 'The checkout was interrupted before payment and has been undone',
      });
      await expectUntouched(shop, shopper, before);
    });
  }

  test('killed right after the charge: the restarted process finds the payment and rolls the run forward', async () => {
    const { shopper, before } = await crashingCheckout('charge_payment:crash-after');
    const [order] = await shop.ordersOf(shopper.userId);
    assert.equal(order!.status, 'pending');
    assert.equal((await shop.paymentsFor(order!.order_id))[0]!.status, 'captured');

    await startOrchestrator();
    const run = await shop.waitForSaga(shopper.sessionId, finished);
    assert.equal(run.status, 'completed', JSON.stringify(run));
    assert.deepEqual(
      run.steps!.map((step) => [step.name, step.status]),
      ['claim_cart', 'reserve_stock', 'create_order', 'charge_payment', 'confirm_order', 'complete_claim'].map(
        (name) => [name, 'succeeded'],
      ),
    );
    await expectCheckedOut(shop, shopper, before);
  });

  test('killed as the cart is about to be emptied, the confirmation just sent: the restarted process completes both once', async () => {
    const { shopper, before } = await crashingCheckout('complete_claim:crash-before');
    // The confirmation may or may not have reached the order service; the cart is still being checked out.
    assert.equal((await shop.cart(shopper.sessionId)).status, 'checking_out');

    await startOrchestrator();

    await expectCompletedWithEveryStep(shopper.sessionId);
    await expectCheckedOut(shop, shopper, before);
  });

  // confirm_order and complete_claim run together: killed as either answers, the other may be done or on its way.
  for (const [fault, done] of [
    ['confirm_order:crash-after', 'the order paid'],
    ['complete_claim:crash-after', 'the cart emptied'],
  ] as const) {
    test(`killed at ${fault}, before the one write past the charge: the restarted process completes both once`, async () => {
      await orchestrator.stop();
      // Beating every 2 s, the run is surely its own from the charge to the end: nothing past the charge is written.
      await startOrchestrator({ SAGA_HEARTBEAT_MS: '2000', SAGA_STALE_AFTER_MS: '5000' });
      const { shopper, before } = await crashingCheckout(fault);
      // Paid and that step done, yet the run's record still has the charge in flight.
      assert.deepEqual(await stepsRecorded(shopper.sessionId), [
        ['claim_cart', 'succeeded'],
        ['reserve_stock', 'succeeded'],
        ['create_order', 'succeeded'],
        ['charge_payment', 'running'],
        ['confirm_order', 'pending'],
        ['complete_claim', 'pending'],
      ]);
      const [order] = await shop.ordersOf(shopper.userId);
      const cart = await shop.cart(shopper.sessionId);
      if (done === 'the order paid') assert.equal(order!.status, 'paid');
      else assert.deepEqual({ status: cart.status, items: cart.items }, { status: 'open', items: [] });

      await startOrchestrator();

      await expectCompletedWithEveryStep(shopper.sessionId);
      // Both run again with the same keys: one paid order, one capture, the stock taken once, the cart emptied.
      await expectCheckedOut(shop, shopper, before);
    });
  }

  test('a run whose process died is finished by the periodic sweep of another replica, without a restart', async () => {
    const replica = await startTestService(orchestratorService, database, { ...cluster.serviceUrls, ...quickRecovery });
    try {
      const { shopper, before } = await crashingCheckout('charge_payment:crash-after');
      const survivor = shopClient(urlsOf(cluster, replica.url));
      const run = await survivor.waitForSaga(shopper.sessionId, finished);
      assert.equal(run.status, 'completed', JSON.stringify(run));
      await expectCheckedOut(survivor, shopper, before);
    } finally {
      await replica.app.close();
    }
  });
});
