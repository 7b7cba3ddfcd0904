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

const refunding = (request: { method?: string; url?: string }) =>
  request.method === 'POST' && /\/refunds$/.test(request.url ?? '');

const database = useTestDatabase();
let cluster: TestCluster;
let proxy: Awaited<ReturnType<typeof startHoldingProxy>>;
/** The sweeper: a second orchestrator on the same database, which takes up runs whose owner stopped beating. */
let sweeper: OrchestratorProcess;
/** The owner: its calls to the payment service go through the proxy, so its refund can be held on the way. */
let owner: OrchestratorProcess;
let shop: Shop;

useTestFixture(
  async () => {
    cluster = await startTestCluster(domainServices, database, testHooks);
    proxy = await startHoldingProxy(cluster.urls.payment!);
    [sweeper, owner] = await Promise.all([
      spawnOrchestrator(database, cluster),
      spawnOrchestrator(database, cluster, { PAYMENT_SERVICE_URL: proxy.url, SERVICE_TIMEOUT_MS: '60000' }),
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

describe('one owner per cancellation or return run', () => {
  for (const operation of ['cancel', 'return'] as const) {
    test(`a ${operation} whose paused owner's refund lands after the sweeper undid the run refunds nothing`, async () => {
      const racket = await shop.createProduct('Racket', 79.99, 5);
      const startStock = new Map([[racket.id, 5]]);
      const { shopper, orderId } = await purchase(
        shop,
        [{ product: racket, quantity: 2 }],
        operation === 'cancel' ? 'paid' : 'delivered',
      );
      try {
        const held = proxy.holdNext(refunding, { beforeUpstream: true });
        const asOwner = orderClient(shopClient(urlsOf(cluster, owner.url)));
        const reply =
          operation === 'cancel'
            ? asOwner.cancel(shopper, orderId)
            : asOwner.returnItems(shopper, orderId, [{ product_id: racket.id, quantity: 1 }]);
        await held;
        // A long pause of the owner while its refund is still in the network: the sweeper takes the run up.
        owner.child.kill('SIGSTOP');
        await settled(shop, orderId, 60_000);
        // The delayed refund arrives at the payment service; then the owner wakes up.
        proxy.release();
        owner.child.kill('SIGCONT');
        // The owner hears its refund was called off and finds the run is no longer its own.
        assert.equal((await reply).status, 202);
        await settled(shop, orderId, 60_000);
        await expectConsistent(shop, [orderId], startStock);
        assert.ok(
          owner.lines.some((line) => line.includes('taken over by another process')),
          owner.lines.join('\n'),
        );
      } finally {
        proxy.release();
        owner.child.kill('SIGCONT');
      }
    });
  }
});
