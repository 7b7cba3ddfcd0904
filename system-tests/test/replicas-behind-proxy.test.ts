import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ChatResponse } from '@ecomm/contracts';
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
import { expectCheckedOut, expectUntouched, snapshot } from './checkout-invariants.js';
import { startRoundRobinProxy } from './round-robin-proxy.js';

// Two orchestrator processes on one database behind a round-robin load balancer, as the Kubernetes
// manifests run them (deploy/k8s: an HPA of two or more): nothing a request needs may live in one replica.

const database = useTestDatabase();
let cluster: TestCluster;
let replicas: OrchestratorProcess[];
let upstreams: string[];
let proxy: Awaited<ReturnType<typeof startRoundRobinProxy>>;
let shop: Shop;

const finished = (run: { status: string }) => !['running', 'compensating'].includes(run.status);
const isAlive = ({ child }: OrchestratorProcess) => child.exitCode === null && child.signalCode === null;
const startReplica = () =>
  spawnOrchestrator(database, cluster, { LLM_PROVIDER: 'offline', RATE_LIMIT_CHAT: '1000/minute' });

/** As a Deployment does: a replica that died is replaced by a new one, which the proxy then sends to. */
async function replaceDeadReplicas() {
  for (const [index, replica] of replicas.entries()) {
    if (isAlive(replica)) continue;
    replicas[index] = await startReplica();
    upstreams[index] = replicas[index].url;
  }
}

useTestFixture(
  async () => {
    cluster = await startTestCluster(domainServices, database, testHooks);
    replicas = await Promise.all([startReplica(), startReplica()]);
    upstreams = replicas.map((replica) => replica.url);
    proxy = await startRoundRobinProxy(upstreams);
    shop = shopClient(urlsOf(cluster, proxy.url));
  },
  async () => {
    await proxy.close();
    await Promise.all(replicas.map((replica) => replica.stop()));
    await cluster.stop();
  },
  database,
);

async function chat(shopper: Shopper, message: string) {
  const response = await fetch(`${proxy.url}/chat`, {
    method: 'POST',
    headers: { authorization: `Bearer ${shopper.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ session_id: shopper.sessionId, message }),
  });
  assert.equal(response.status, 200);
  return (await response.json()) as ChatResponse;
}

describe('two orchestrator replicas behind a round-robin proxy', () => {
  test('a conversation continues on the other replica: "it" is the product the first one showed', async () => {
    const bottle = await shop.createProduct('Water Bottle', 12.5, 30);
    const shopper = await shop.newShopper([]);
    const first = proxy.served.length;
    await chat(shopper, 'Show me the water bottle');
    const reply = await chat(shopper, 'Add it to my cart');
    const [shown, added] = proxy.served.slice(first);
    assert.notEqual(shown, added, 'the two turns were served by different replicas');
    assert.deepEqual(reply.steps, [{ tool: 'add_to_cart', args: { product_id: bottle.id, quantity: 1 }, ok: true }]);
    assert.deepEqual(
      (await shop.cart(shopper.sessionId)).items.map((item) => [item.product_id, item.quantity]),
      [[bottle.id, 1]],
    );
  });

  for (const [fault, outcome] of [
    ['create_order:crash-after', 'compensated'],
    ['charge_payment:crash-after', 'completed'],
  ] as const) {
    const finishes = outcome === 'completed' ? 'finishes' : 'undoes';
    test(`a replica killed mid-checkout (${fault}): the other ${finishes} it, the invariant intact`, async () => {
      await replaceDeadReplicas();
      const laptop = await shop.createProduct('Laptop', 999.99, 4);
      const shopper = await shop.newShopper([{ product: laptop, quantity: 1 }]);
      const before = await snapshot(shop, shopper);

      const reply = await shop.checkout(shopper, { 'x-saga-fault': fault });
      assert.equal(reply.status, 502, 'the request died with the replica serving it');
      assert.deepEqual(await Promise.race(replicas.map((replica) => replica.exited)), {
        code: null,
        signal: 'SIGKILL',
      });
      assert.equal(replicas.filter(isAlive).length, 1, 'the other replica lives on');

      // The run's owner stopped beating: the survivor's sweep takes it over after the stale window.
      const run = await shop.waitForSaga(shopper.sessionId, finished);
      assert.equal(run.status, outcome, JSON.stringify(run));
      if (outcome === 'completed') await expectCheckedOut(shop, shopper, before);
      else await expectUntouched(shop, shopper, before);
    });
  }
});
