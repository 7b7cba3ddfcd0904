import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Product } from '@ecomm/contracts';
import { createTestDatabase, startTestCluster, type TestCluster, type TestDatabase } from '@ecomm/testing';
import { domainServices, shopClient, spawnOrchestrator, testHooks, urlsOf, type OrchestratorProcess, type Shop } from './checkout-fixtures.js';
import { expectConsistent, orderClient, purchase, settled, type OrderClient } from './order-fixtures.js';

let database: TestDatabase;
let cluster: TestCluster;
let orchestrator: OrchestratorProcess;
let shop: Shop;
let orders: OrderClient;
let racket: Product;
let balls: Product;
const start = new Map<number, number>();
const placed: string[] = [];

async function startOrchestrator() {
  orchestrator = await spawnOrchestrator(database, cluster);
  shop = shopClient(urlsOf(cluster, orchestrator.url));
  orders = orderClient(shop);
}

interface CrashScenario {
  fault: string;
  /** The order's status once the restarted process finished the run, and how the run ended. */
  ends: string;
  run: 'completed' | 'compensated';
}

/**
 * The orchestrator killed (SIGKILL from an injected fault) in the middle of a cancellation or a return, then started
 * again: its sweep takes the run up, undoing it before the refund and rolling it forward after.
 */
export function describeCrashRecovery(operation: 'cancel' | 'return', scenarios: CrashScenario[]) {
before(async () => {
  database = await createTestDatabase();
  cluster = await startTestCluster(domainServices, database, testHooks);
  await startOrchestrator();
  racket = await shop.createProduct('Racket', 120.5, 100);
  balls = await shop.createProduct('Tennis balls', 3.33, 500);
  start.set(racket.id, 100).set(balls.id, 500);
});

after(async () => {
  await orchestrator.stop();
  await cluster.stop();
  await database.drop();
});

describe(`the orchestrator killed mid-${operation}, then restarted`, () => {
  for (const { fault, ends, run } of scenarios) {
    test(`${operation} killed at ${fault}: the restarted process ${run === 'completed' ? 'rolls it forward' : 'undoes it'}`, async () => {
      const { shopper, orderId } = await purchase(shop, [{ product: racket, quantity: 1 }, { product: balls, quantity: 5 }], operation === 'cancel' ? 'paid' : 'delivered');
      placed.push(orderId);
      const headers = { 'x-saga-fault': fault };
      const request = operation === 'cancel' ? orders.cancel(shopper, orderId, headers) : orders.returnItems(shopper, orderId, [{ product_id: balls.id, quantity: 2 }], headers);
      await assert.rejects(request, 'the request dies with the process');
      assert.deepEqual(await orchestrator.exited, { code: null, signal: 'SIGKILL' });

      await startOrchestrator();
      await settled(shop, orderId);
      const runs = (await shop.admin('GET', '?limit=100')).body.items as Array<{ type: string; status: string; input: { order_id?: string } }>;
      const mine = runs.filter((each) => each.type !== 'checkout' && each.input.order_id === orderId);
      assert.deepEqual(mine.map((each) => each.status), [run]);
      assert.equal((await orders.get(shopper, orderId)).body.status, ends);
      await expectConsistent(shop, placed, start);
    });
  }
});
}
