import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, test } from 'node:test';
import { errorCodes } from '@ecomm/contracts';
import { orchestratorService } from '@ecomm/orchestrator-service/service';
import {
  internalHeaders,
  startTestCluster,
  startTestService,
  useTestDatabase,
  useTestFixture,
  type TestCluster,
} from '@ecomm/testing';
import { domainServices, quickRecovery, shopClient, testHooks, urlsOf, type Shop } from './checkout-fixtures.js';
import { expectUntouched, snapshot } from './checkout-invariants.js';

// Long enough that the sweep compensates well before the gateway answers, even on a loaded machine.
const gatewayLatencyMs = 12_000;

const database = useTestDatabase();
let cluster: TestCluster;
let orchestrator: Awaited<ReturnType<typeof startTestService>>;
let shop: Shop;

useTestFixture(
  async () => {
    cluster = await startTestCluster(domainServices, database, {
      payment: { ...testHooks.payment, PAYMENT_LATENCY_MS: String(gatewayLatencyMs) },
    });
    // Gives up on a charge after 0.5 s, leaves the run in doubt, and lets the sweep take it up about a second later.
    orchestrator = await startTestService(orchestratorService, database, {
      ...cluster.serviceUrls,
      ...quickRecovery,
      PAYMENT_TIMEOUT_MS: '500',
      SAGA_STEP_ATTEMPTS: '2',
      SAGA_BACKOFF_MS: '100',
    });
    shop = shopClient(urlsOf(cluster, orchestrator.url));
  },
  async () => {
    await orchestrator.app.close();
    await cluster.stop();
  },
  database,
);

/** The slow charge's own answer, replayed under its key once there is one ("in progress" until then). */
async function answerOfSlowCharge(sagaId: string, orderId: string, amount: number) {
  const deadline = Date.now() + gatewayLatencyMs + 10_000;
  for (;;) {
    const response = await fetch(`${shop.urls.payment}/`, {
      method: 'POST',
      headers: {
        ...internalHeaders,
        'content-type': 'application/json',
        'idempotency-key': `${sagaId}:charge_payment`,
      },
      body: JSON.stringify({ order_id: orderId, amount }),
    });
    const body = (await response.json()) as { code?: string; status?: string };
    if (body.code !== errorCodes.IDEMPOTENCY_IN_PROGRESS) return { status: response.status, body };
    if (Date.now() > deadline) assert.fail(`the charge of order ${orderId} never answered`);
    await sleep(200);
  }
}

describe('a charge that lands after its checkout was compensated', () => {
  test('is refused: nothing stays captured for the cancelled order, stock and cart are restored', async () => {
    const product = await shop.createProduct('Slow-gateway kettle', 79.5, 4);
    const shopper = await shop.newShopper([{ product, quantity: 2 }]);
    const before = await snapshot(shop, shopper);
    const started = Date.now();

    const reply = await shop.checkout(shopper);
    assert.equal(reply.status, 202, JSON.stringify(reply.body));
    const run = await shop.waitForSaga(shopper.sessionId, (each) => each.status === 'compensated', 15_000);
    assert.ok(Date.now() - started < gatewayLatencyMs, 'compensated while the charge was still at the gateway');
    assert.equal(run.steps!.find((step) => step.name === 'charge_payment')!.status, 'compensated');
    const [order] = await shop.ordersOf(shopper.userId);
    assert.equal(order?.status, 'cancelled');

    const late = await answerOfSlowCharge(run.saga_id, order.order_id, order.total);
    assert.ok(Date.now() - started >= gatewayLatencyMs, 'the charge answered after the gateway call');
    assert.deepEqual([late.status, late.body.code], [409, 'ORDER_VOIDED'], JSON.stringify(late.body));

    const payments = await shop.paymentsFor(order.order_id);
    assert.ok(
      !payments.some((payment) => payment.status === 'captured'),
      `nothing captured, got ${JSON.stringify(payments)}`,
    );
    assert.deepEqual(
      (await shop.ordersOf(shopper.userId)).map((each) => each.status),
      ['cancelled'],
    );
    await expectUntouched(shop, shopper, before);
  });
});
