import assert from 'node:assert/strict';
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
import { snapshot } from './checkout-invariants.js';

export const finished = (run: { status: string }) => !['running', 'compensating'].includes(run.status);

/**
 * The domain services in this process and the orchestrator as a process of its own, which an injected fault kills
 * mid-checkout and a test starts again. `shop` talks to the orchestrator running now.
 */
export function useRestartedOrchestrator() {
  const database = useTestDatabase();
  const current = {} as { cluster: TestCluster; orchestrator: OrchestratorProcess; shop: Shop };

  async function startOrchestrator(environment: Record<string, string> = {}) {
    current.orchestrator = await spawnOrchestrator(database, current.cluster, environment);
    current.shop = shopClient(urlsOf(current.cluster, current.orchestrator.url));
  }

  useTestFixture(
    async () => {
      current.cluster = await startTestCluster(domainServices, database, testHooks);
      await startOrchestrator();
    },
    async () => {
      await current.orchestrator.stop();
      await current.cluster.stop();
    },
    database,
  );

  /** Checks out with a crash fault: the request dies with the process, which must have been killed. */
  async function crashingCheckout(fault: string) {
    const { shop, orchestrator } = current;
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

  return { database, current, startOrchestrator, crashingCheckout };
}
