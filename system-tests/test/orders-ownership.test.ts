import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { describe, test } from 'node:test';
import { startTestCluster, useTestDatabase, useTestFixture, type TestCluster } from '@ecomm/testing';
import {
  domainServices,
  shopClient,
  spawnOrchestrator,
  testHooks,
  urlsOf,
  type OrchestratorProcess,
  type Shop,
} from './checkout-fixtures.js';
import { startHoldingProxy, type HoldingProxy } from './holding-proxy.js';
import { expectConsistent, orderClient, purchase, settled } from './order-fixtures.js';
import { pausedWhileHeld } from './paused-owner.js';

type Operation = 'cancel' | 'return';

const refunding = (request: IncomingMessage) => request.method === 'POST' && /\/refunds$/.test(request.url ?? '');
/** The first step of each saga: the hold of the order, or the start of the return (not their abort or completion). */
const firstStep: Record<Operation, (request: IncomingMessage) => boolean> = {
  cancel: (request) => request.method === 'POST' && /\/cancellation$/.test(request.url ?? ''),
  return: (request) => request.method === 'POST' && /\/returns$/.test(request.url ?? ''),
};

const database = useTestDatabase();
let cluster: TestCluster;
/** The owner's calls to the order and payment services go through these, so a step can be held on its way. */
let orderProxy: HoldingProxy;
let paymentProxy: HoldingProxy;
/** The sweeper: a second orchestrator on the same database, which takes up runs whose owner stopped beating. */
let sweeper: OrchestratorProcess;
let owner: OrchestratorProcess;
let shop: Shop;

useTestFixture(
  async () => {
    cluster = await startTestCluster(domainServices, database, testHooks);
    [orderProxy, paymentProxy] = await Promise.all([
      startHoldingProxy(cluster.urls.order!),
      startHoldingProxy(cluster.urls.payment!),
    ]);
    [sweeper, owner] = await Promise.all([
      spawnOrchestrator(database, cluster),
      spawnOrchestrator(database, cluster, {
        ORDER_SERVICE_URL: orderProxy.url,
        PAYMENT_SERVICE_URL: paymentProxy.url,
        SERVICE_TIMEOUT_MS: '60000',
      }),
    ]);
    shop = shopClient(urlsOf(cluster, sweeper.url));
  },
  async () => {
    owner.child.kill('SIGCONT');
    await Promise.all([sweeper.stop(), owner.stop()]);
    await Promise.all([orderProxy.close(), paymentProxy.close()]);
    await cluster.stop();
  },
  database,
);

/**
 * A cancel or return of 1 of 2 rackets asked of the owner, whose request matching `held` is held in the network while
 * the owner is paused long enough for the sweeper to take the run up; then the request lands and the owner wakes.
 */
async function sweptWhileHeld(operation: Operation, proxy: HoldingProxy, held: (request: IncomingMessage) => boolean) {
  const racket = await shop.createProduct('Racket', 79.99, 5);
  const startStock = new Map([[racket.id, 5]]);
  const lines = [{ product_id: racket.id, quantity: 1 }];
  const { shopper, orderId } = await purchase(
    shop,
    [{ product: racket, quantity: 2 }],
    operation === 'cancel' ? 'paid' : 'delivered',
  );
  const asOwner = orderClient(shopClient(urlsOf(cluster, owner.url)));
  const { answer, ownerLines } = await pausedWhileHeld({
    owner,
    proxy,
    held,
    beforeUpstream: true,
    send: () =>
      operation === 'cancel' ? asOwner.cancel(shopper, orderId) : asOwner.returnItems(shopper, orderId, lines),
    settle: () => settled(shop, orderId, 60_000),
  });
  await settled(shop, orderId, 60_000);
  await expectConsistent(shop, [orderId], startStock);
  return { answer, ownerLines, shopper, orderId, startStock, lines };
}

describe('one owner per cancellation or return run', () => {
  for (const operation of ['cancel', 'return'] as const) {
    test(`a ${operation} whose paused owner's refund lands after the sweeper undid the run refunds nothing`, async () => {
      const { answer, ownerLines } = await sweptWhileHeld(operation, paymentProxy, refunding);
      // The owner hears its refund was called off and finds the run is no longer its own.
      assert.equal(answer.status, 202);
      assert.ok(
        ownerLines.some((line) => line.includes('taken over by another process')),
        ownerLines.join('\n'),
      );
    });

    test(`a ${operation} whose paused owner's first step lands after the sweeper undid the run leaves the order as it was`, async () => {
      // The sweeper undoes the run finding nothing held yet; the late step is refused when it lands.
      const { shopper, orderId, startStock, lines } = await sweptWhileHeld(operation, orderProxy, firstStep[operation]);
      // The shopper can still do what they asked: the undone run holds nothing.
      const again =
        operation === 'cancel'
          ? await orderClient(shop).cancel(shopper, orderId)
          : await orderClient(shop).returnItems(shopper, orderId, lines);
      assert.equal(again.status, 200, JSON.stringify(again.body));
      await expectConsistent(shop, [orderId], startStock);
    });
  }
});
