import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestCluster, useTestDatabase, useTestFixture, type TestCluster } from '@ecomm/testing';
import {
  domainServices,
  shopClient,
  spawnOrchestrator,
  testHooks,
  urlsOf,
  type Shop,
  type Shopper,
} from './checkout-fixtures.js';
import { expectCheckedOut, expectUntouched, snapshot } from './checkout-invariants.js';
import { clockAheadOptions, heldBeforeAnswer, startHoldingProxy } from './holding-proxy.js';
import { pausedWhileHeld } from './paused-owner.js';

const finished = (run: { status: string }) => !['running', 'compensating'].includes(run.status);
const creatingAnOrder = (request: { method?: string; url?: string }) =>
  request.method === 'POST' && request.url === '/';

const database = useTestDatabase();
let cluster: TestCluster;
let proxy: Awaited<ReturnType<typeof startHoldingProxy>>;
let shop: Shop;

useTestFixture(
  async () => {
    cluster = await startTestCluster(domainServices, database, testHooks);
    proxy = await startHoldingProxy(cluster.urls.order!);
  },
  async () => {
    await proxy.close();
    await cluster.stop();
  },
  database,
);

/**
 * A second orchestrator on the same database, sweeping every 250 ms, whose clock runs `skewMs` ahead; from then on
 * `shop` reaches the orchestrator's API through it.
 */
async function startSweeper(skewMs: number, environment: Record<string, string> = {}) {
  const sweeper = await spawnOrchestrator(database, cluster, {
    NODE_OPTIONS: clockAheadOptions(skewMs),
    ...environment,
  });
  shop = shopClient(urlsOf(cluster, sweeper.url));
  return sweeper;
}

/** An owner whose calls to the order service go through the proxy, so the answer to its order can be held back. */
const startOwner = () =>
  spawnOrchestrator(database, cluster, { ORDER_SERVICE_URL: proxy.url, SERVICE_TIMEOUT_MS: '60000' });

async function newShopper() {
  const laptop = await shop.createProduct('Laptop', 999.99, 3);
  const shopper = await shop.newShopper([{ product: laptop, quantity: 1 }]);
  return { shopper, before: await snapshot(shop, shopper) };
}

/** The promise, whatever happened: all of {paid, captured, stock taken, cart emptied} or none of it. */
async function expectAllOrNothing(shopper: Shopper, before: Awaited<ReturnType<typeof snapshot>>) {
  const run = await shop.waitForSaga(shopper.sessionId, finished, 60_000);
  if (run.status === 'completed') await expectCheckedOut(shop, shopper, before);
  else await expectUntouched(shop, shopper, before);
  return run;
}

/** Waits up to `ms` for the run to leave `running`; answers its status then. */
async function statusAfter(shopper: Shopper, ms: number) {
  const deadline = Date.now() + ms;
  for (;;) {
    const [run] = await shop.sagasOf(shopper.sessionId);
    if (run?.status !== 'running' || Date.now() > deadline) return run?.status;
    await sleep(100);
  }
}

describe('one owner per checkout run', () => {
  test('a replica whose clock is 10 minutes ahead does not take over a run whose owner is alive and waiting', async () => {
    // Stale after 20 s by the database's clock: a loaded machine does not stall a live owner that long, and a
    // sweeper that went by its own clock would find every run 10 minutes old at its first sweep.
    const sweeper = await startSweeper(600_000, { SAGA_STALE_AFTER_MS: '20000' });
    const owner = await startOwner();
    try {
      const { shopper, before } = await newShopper();
      const logged = owner.lines.length;
      const held = proxy.holdNext(creatingAnOrder);
      const reply = shopClient(urlsOf(cluster, owner.url)).checkout(shopper);
      if (!(await heldBeforeAnswer(held, reply)))
        assert.fail(
          `the owner answered ${JSON.stringify(await reply)} before creating its order\n${owner.lines.slice(logged).join('\n')}`,
        );
      // A dozen sweeps of the skewed replica pass meanwhile.
      assert.equal(
        await statusAfter(shopper, 3_000),
        'running',
        `the live run was left to its owner\n${sweeper.lines.join('\n')}`,
      );
      proxy.release();
      assert.equal((await reply).status, 201);
      const run = await expectAllOrNothing(shopper, before);
      assert.equal(run.status, 'completed');
    } finally {
      proxy.release();
      await owner.stop();
      await sweeper.stop();
    }
  });

  test('an owner paused past the stale limit is fenced off: it never charges after the sweeper undid the run', async () => {
    const sweeper = await startSweeper(40_000);
    const owner = await startOwner();
    try {
      let scene: Awaited<ReturnType<typeof newShopper>> | undefined;
      let run: { status: string } | undefined;
      // A long GC or VM pause: the owner stops beating while its order exists and its answer is on the way.
      const { answer, ownerLines } = await pausedWhileHeld({
        owner,
        proxy,
        held: creatingAnOrder,
        send: async () => {
          scene = await newShopper();
          return shopClient(urlsOf(cluster, owner.url)).checkout(scene.shopper);
        },
        settle: async () => {
          run = await shop.waitForSaga(scene!.shopper.sessionId, finished, 60_000);
        },
      });
      const { shopper, before } = scene!;
      assert.equal(run!.status, 'compensated', JSON.stringify(run));
      // The owner wakes up, hears its order was created, and finds the run is no longer its own.
      assert.equal(answer.status, 202);
      await expectAllOrNothing(shopper, before);
      const [order] = await shop.ordersOf(shopper.userId);
      assert.deepEqual(await shop.paymentsFor(order!.order_id), [], 'no charge was even attempted');
      assert.ok(
        ownerLines.some((line) => line.includes('taken over by another process')),
        ownerLines.join('\n'),
      );
    } finally {
      await owner.stop();
      await sweeper.stop();
    }
  });
});
