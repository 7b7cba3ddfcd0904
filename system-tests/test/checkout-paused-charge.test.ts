import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
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
  type Shop,
  type Shopper,
} from './checkout-fixtures.js';
import { snapshot } from './checkout-invariants.js';
import { startHoldingProxy, startVoidFailingProxy, within, type HoldingProxy } from './holding-proxy.js';
import { pausedWhileHeld } from './paused-owner.js';

const charging = (request: IncomingMessage) => request.method === 'POST' && request.url === '/';
const lookingUpPayments = (request: IncomingMessage) =>
  request.method === 'GET' && (request.url ?? '').startsWith('/?order_id=');
const cancellingAnOrder = (request: IncomingMessage) =>
  request.method === 'PATCH' && /\/cancel$/.test(request.url ?? '');
const finished = (run: { status: string }) => !['running', 'compensating'].includes(run.status);

const database = useTestDatabase();
let cluster: TestCluster;
/** Between the owner and the payment service: the owner's charge is held in the network. */
let ownersPayments: HoldingProxy;
/** Between the sweeper and the payment service (behind `voidFailing`): its lookup's answer can be held back. */
let sweepersPayments: HoldingProxy;
/** Between the sweeper and the order service: its cancellation of the order can be held. */
let sweepersOrders: HoldingProxy;
let voidFailing: Awaited<ReturnType<typeof startVoidFailingProxy>>;
let sweeper: OrchestratorProcess;
let owner: OrchestratorProcess;
let shop: Shop;

useTestFixture(
  async () => {
    cluster = await startTestCluster(domainServices, database, testHooks);
    [ownersPayments, sweepersPayments, sweepersOrders] = await Promise.all([
      startHoldingProxy(cluster.urls.payment!),
      startHoldingProxy(cluster.urls.payment!),
      startHoldingProxy(cluster.urls.order!),
    ]);
    voidFailing = await startVoidFailingProxy(sweepersPayments.url);
    [sweeper, owner] = await Promise.all([
      // Waits for its lookup while its answer is held, rather than leaving the run in doubt for a later sweep.
      spawnOrchestrator(database, cluster, {
        PAYMENT_SERVICE_URL: voidFailing.url,
        ORDER_SERVICE_URL: sweepersOrders.url,
        PAYMENT_TIMEOUT_MS: '60000',
      }),
      // Waits for its charge as long as it takes: it hears it only once it wakes up.
      spawnOrchestrator(database, cluster, {
        PAYMENT_SERVICE_URL: ownersPayments.url,
        PAYMENT_TIMEOUT_MS: '60000',
        SERVICE_TIMEOUT_MS: '60000',
      }),
    ]);
    shop = shopClient(urlsOf(cluster, sweeper.url));
  },
  async () => {
    owner.child.kill('SIGCONT');
    await Promise.all([sweeper.stop(), owner.stop()]);
    await Promise.all([ownersPayments.close(), sweepersPayments.close(), sweepersOrders.close(), voidFailing.close()]);
    await cluster.stop();
  },
  database,
);

async function newShopper() {
  const camera = await shop.createProduct('Camera', 649.5, 4);
  const shopper = await shop.newShopper([{ product: camera, quantity: 2 }]);
  return { shopper, before: await snapshot(shop, shopper), productId: camera.id };
}

const orderIdOf = async (shopper: Shopper) => (await shop.sagaOf(shopper.sessionId)).input.order_id;

async function waitForPayment(orderId: string, status: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const payments = await shop.paymentsFor(orderId);
    if (payments.some((payment) => payment.status === status)) return payments;
    if (Date.now() > deadline) assert.fail(`no ${status} payment of order ${orderId} after ${timeoutMs} ms`);
    await sleep(50);
  }
}

const stepStatuses = (run: { steps?: { name: string; status: string }[] }) =>
  Object.fromEntries(run.steps!.map((step) => [step.name, step.status]));

describe('an owner paused with its charge in the network, while a sweeper undoes the run', () => {
  test('the charge captured after the sweeper looked is refunded; the owner, waking mid-compensation, cannot mark the order paid', async () => {
    let scene: Awaited<ReturnType<typeof newShopper>> | undefined;
    let lookupHeld: Promise<void> | undefined;
    try {
      const { answer, ownerLines } = await pausedWhileHeld({
        owner,
        proxy: ownersPayments,
        held: charging,
        beforeUpstream: true,
        send: async () => {
          scene = await newShopper();
          return shopClient(urlsOf(cluster, owner.url)).checkout(scene.shopper);
        },
        whenHeld: () => {
          lookupHeld = sweepersPayments.holdNext(lookingUpPayments);
        },
        settle: async () => {
          const { shopper } = scene!;
          if (!lookupHeld) {
            // Not set: the sweeper took the run up before the charge left the owner.
            await shop.waitForSaga(shopper.sessionId, finished, 60_000);
            return;
          }
          // The sweeper has looked the payment up and found nothing; its answer waits in the network.
          await within(lookupHeld, 30_000, "the sweeper's lookup of the payment");
          lookupHeld = undefined;
          // Now the owner's charge lands and is captured, while the owner is still paused.
          const orderId = await orderIdOf(shopper);
          const cancelHeld = sweepersOrders.holdNext(cancellingAnOrder, { beforeUpstream: true });
          ownersPayments.release();
          await waitForPayment(orderId, 'captured');
          // The sweeper, not having seen it, undoes the run: the void refunds it; its cancel waits in the network while
          // the owner wakes up with its charge captured.
          sweepersPayments.release();
          await within(cancelHeld, 30_000, "the sweeper's cancellation of the order");
          await waitForPayment(orderId, 'refunded');
        },
      });
      // The owner found the run no longer its own before confirming: the order is still pending as the cancel goes on.
      assert.equal(answer.status, 202, JSON.stringify(answer.body));
      assert.ok(
        ownerLines.some((line) => line.includes('taken over by another process')),
        ownerLines.join('\n'),
      );
      const { shopper, before, productId } = scene!;
      assert.deepEqual(
        (await shop.ordersOf(shopper.userId)).map((order) => order.status),
        ['pending'],
      );
      sweepersOrders.release();
      const run = await shop.waitForSaga(shopper.sessionId, finished, 60_000);
      assert.equal(run.status, 'compensated', JSON.stringify(run));
      const [order] = await shop.ordersOf(shopper.userId);
      assert.equal(order!.status, 'cancelled');
      const payments = await shop.paymentsFor(order!.order_id);
      assert.deepEqual(
        payments.map((payment) => [payment.status, payment.refunded_amount]),
        [['refunded', 1299]],
        'the late capture is refunded in full',
      );
      assert.equal(await shop.stockOf(productId), before.stock.get(productId));
      const cart = await shop.cart(shopper.sessionId);
      assert.deepEqual({ status: cart.status, items: cart.items }, { status: 'open', items: before.items });
    } finally {
      sweepersPayments.release();
      sweepersOrders.release();
    }
  });

  test('when the sweeper cannot void the order, order, stock and cart stay held: the late capture is refunded by the operator retry, never kept for a cancelled order', async () => {
    let scene: Awaited<ReturnType<typeof newShopper>> | undefined;
    try {
      const { answer } = await pausedWhileHeld({
        owner,
        proxy: ownersPayments,
        held: charging,
        beforeUpstream: true,
        send: async () => {
          scene = await newShopper();
          return shopClient(urlsOf(cluster, owner.url)).checkout(scene.shopper);
        },
        whenHeld: () => {
          voidFailing.failing = true;
        },
        // The sweeper undoes the run but cannot fence the order off: the charge, still in the network, may yet land.
        settle: async () => {
          await shop.waitForSaga(scene!.shopper.sessionId, finished, 60_000);
        },
      });
      // The owner's answer comes after its charge's: the charge landed, on an order that was not voided.
      assert.equal(answer.status, 202, JSON.stringify(answer.body));
      const { shopper, before, productId } = scene!;
      const failed = await shop.sagaOf(shopper.sessionId);
      assert.equal(failed.status, 'compensation_failed', JSON.stringify(failed));
      const [order] = await shop.ordersOf(shopper.userId);
      const captured = await shop.paymentsFor(order!.order_id);
      assert.deepEqual(
        captured.map((payment) => payment.status),
        ['captured'],
      );
      // Money taken: nothing it paid for is given back before the operator has refunded it.
      assert.equal(order!.status, 'pending', 'the order is not cancelled while its charge may land');
      assert.equal(await shop.stockOf(productId), before.stock.get(productId)! - 2, 'the stock stays reserved');
      assert.equal((await shop.cart(shopper.sessionId)).status, 'checking_out', 'the cart stays claimed');
      assert.deepEqual(stepStatuses(failed), {
        claim_cart: 'succeeded',
        reserve_stock: 'succeeded',
        create_order: 'succeeded',
        charge_payment: 'compensation_failed',
        confirm_order: 'pending',
        complete_claim: 'pending',
      });

      voidFailing.failing = false;
      const retried = await shop.admin('POST', `/${failed.saga_id}/retry`);
      assert.equal(retried.status, 200, JSON.stringify(retried.body));
      assert.equal(retried.body.status, 'compensated');
      assert.deepEqual(
        (await shop.paymentsFor(order!.order_id)).map((payment) => [payment.status, payment.refunded_amount]),
        [['refunded', 1299]],
      );
      assert.equal((await shop.ordersOf(shopper.userId))[0]!.status, 'cancelled');
      assert.equal(await shop.stockOf(productId), before.stock.get(productId));
      const cart = await shop.cart(shopper.sessionId);
      assert.deepEqual({ status: cart.status, items: cart.items }, { status: 'open', items: before.items });
    } finally {
      voidFailing.failing = false;
    }
  });
});
