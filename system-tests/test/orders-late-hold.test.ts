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
import { startHoldingProxy } from './holding-proxy.js';
import { expectConsistent, orderClient, purchase, settled } from './order-fixtures.js';

/** The first step of each saga: the hold of the order, or the start of the return (not their abort or completion). */
const firstStep = {
  cancel: (request: { method?: string; url?: string }) =>
    request.method === 'POST' && /\/cancellation$/.test(request.url ?? ''),
  return: (request: { method?: string; url?: string }) =>
    request.method === 'POST' && /\/returns$/.test(request.url ?? ''),
};

const database = useTestDatabase();
let cluster: TestCluster;
let proxy: Awaited<ReturnType<typeof startHoldingProxy>>;
/** The sweeper: a second orchestrator on the same database, which takes up runs whose owner stopped beating. */
let sweeper: OrchestratorProcess;
/** The owner: its calls to the order service go through the proxy, so its first step can be held on the way. */
let owner: OrchestratorProcess;
let shop: Shop;

useTestFixture(
  async () => {
    cluster = await startTestCluster(domainServices, database, testHooks);
    proxy = await startHoldingProxy(cluster.urls.order!);
    [sweeper, owner] = await Promise.all([
      spawnOrchestrator(database, cluster),
      spawnOrchestrator(database, cluster, { ORDER_SERVICE_URL: proxy.url, SERVICE_TIMEOUT_MS: '60000' }),
    ]);
    shop = shopClient(urlsOf(cluster, sweeper.url));
  },
  async () => {
    owner.child.kill('SIGCONT');
    await Promise.all([sweeper.stop(), owner.stop()]);
    await proxy.close();
    await cluster.stop();
  },
  database,
);

describe('a first step that lands after its run was undone', () => {
  for (const operation of ['cancel', 'return'] as const) {
    test(`a ${operation} whose paused owner's first step lands after the sweeper undid the run leaves the order as it was`, async () => {
      const racket = await shop.createProduct('Racket', 79.99, 5);
      const startStock = new Map([[racket.id, 5]]);
      const { shopper, orderId } = await purchase(
        shop,
        [{ product: racket, quantity: 2 }],
        operation === 'cancel' ? 'paid' : 'delivered',
      );
      try {
        const held = proxy.holdNext(firstStep[operation], { beforeUpstream: true });
        const asOwner = orderClient(shopClient(urlsOf(cluster, owner.url)));
        const reply =
          operation === 'cancel'
            ? asOwner.cancel(shopper, orderId)
            : asOwner.returnItems(shopper, orderId, [{ product_id: racket.id, quantity: 1 }]);
        await held;
        // A long pause of the owner while its first step is still in the network: the sweeper takes the run up and
        // undoes it, finding nothing held yet.
        owner.child.kill('SIGSTOP');
        await settled(shop, orderId, 60_000);
        // The delayed step arrives at the order service; then the owner wakes up and finds the run is not its own.
        proxy.release();
        owner.child.kill('SIGCONT');
        await reply;
        await settled(shop, orderId, 60_000);
        await expectConsistent(shop, [orderId], startStock);
        // The shopper can still do what they asked: the undone run holds nothing.
        const again =
          operation === 'cancel'
            ? await orderClient(shop).cancel(shopper, orderId)
            : await orderClient(shop).returnItems(shopper, orderId, [{ product_id: racket.id, quantity: 1 }]);
        assert.equal(again.status, 200, JSON.stringify(again.body));
        await expectConsistent(shop, [orderId], startStock);
      } finally {
        proxy.release();
        owner.child.kill('SIGCONT');
      }
    });
  }
});
