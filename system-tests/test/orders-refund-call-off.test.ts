import assert from 'node:assert/strict';
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
import { startHoldingProxy, startVoidFailingProxy } from './holding-proxy.js';
import { orderClient, purchase, settled } from './order-fixtures.js';
import { pausedWhileHeld } from './paused-owner.js';

const refunding = (request: { method?: string; url?: string }) =>
  request.method === 'POST' && /\/refunds$/.test(request.url ?? '');

const database = useTestDatabase();
let cluster: TestCluster;
let holding: Awaited<ReturnType<typeof startHoldingProxy>>;
let voidFailing: Awaited<ReturnType<typeof startVoidFailingProxy>>;
let sweeper: OrchestratorProcess;
let owner: OrchestratorProcess;
let shop: Shop;

useTestFixture(
  async () => {
    cluster = await startTestCluster(domainServices, database, testHooks);
    holding = await startHoldingProxy(cluster.urls.payment!);
    voidFailing = await startVoidFailingProxy(cluster.urls.payment!);
    [sweeper, owner] = await Promise.all([
      spawnOrchestrator(database, cluster, { PAYMENT_SERVICE_URL: voidFailing.url }),
      spawnOrchestrator(database, cluster, { PAYMENT_SERVICE_URL: holding.url, SERVICE_TIMEOUT_MS: '60000' }),
    ]);
    shop = shopClient(urlsOf(cluster, sweeper.url));
  },
  async () => {
    owner.child.kill('SIGCONT');
    await Promise.all([sweeper.stop(), owner.stop()]);
    await Promise.all([holding.close(), voidFailing.close()]);
    await cluster.stop();
  },
  database,
);

describe('an undone run whose refund could not be called off', () => {
  for (const operation of ['cancel', 'return'] as const) {
    test(`a ${operation} undone while its refund is still on its way keeps the order held when the refund cannot be called off`, async () => {
      const racket = await shop.createProduct('Racket', 79.99, 5);
      const { shopper, orderId } = await purchase(
        shop,
        [{ product: racket, quantity: 2 }],
        operation === 'cancel' ? 'paid' : 'delivered',
      );
      const asOwner = orderClient(shopClient(urlsOf(cluster, owner.url)));
      try {
        // The owner pauses with its refund in the network; the sweeper undoes the run but cannot call the refund off.
        await pausedWhileHeld({
          owner,
          proxy: holding,
          held: refunding,
          beforeUpstream: true,
          send: () =>
            operation === 'cancel'
              ? asOwner.cancel(shopper, orderId)
              : asOwner.returnItems(shopper, orderId, [{ product_id: racket.id, quantity: 1 }]),
          whenHeld: () => {
            voidFailing.failing = true;
          },
          settle: () => settled(shop, orderId, 60_000),
        });
        const order = (await orderClient(shop).get(shopper, orderId)).body as {
          status: string;
          lines: { returned_quantity: number }[];
        };
        const [payment] = await shop.paymentsFor(orderId);
        // Nothing called the late refund off, so it was made: the order stays held for an operator (cancelling, or
        // the unit counted as returned), never given back to fulfilment or to the shopper for free.
        assert.equal(payment!.refunded_amount, operation === 'cancel' ? 159.98 : 79.99);
        assert.deepEqual(
          [order.status, order.lines[0]!.returned_quantity],
          operation === 'cancel' ? ['cancelling', 0] : ['partially_returned', 1],
        );
      } finally {
        voidFailing.failing = false;
      }
    });
  }
});
