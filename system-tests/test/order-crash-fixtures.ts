import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Product } from '@ecomm/contracts';
import { beforeTests, useTestDatabase } from '@ecomm/testing';
import { quickRecovery, shopClient, spawnOrchestrator, testHooks, urlsOf, useShop } from './checkout-fixtures.js';
import { expectConsistent, orderClient, purchase, settled } from './order-fixtures.js';

interface CrashScenario {
  fault: string;
  /** The order's status once the surviving replica finished the run, and how the run ended. */
  ends: string;
  run: 'completed' | 'compensated';
}

/**
 * An orchestrator process killed (SIGKILL from an injected fault) in the middle of a cancellation or a return, while
 * another replica keeps running: its sweep takes the orphaned run up, undoing it before the refund and rolling it
 * forward after. The survivor runs in this process, so each scenario starts only the one process it kills.
 */
export function describeCrashRecovery(operation: 'cancel' | 'return', scenarios: CrashScenario[]) {
  const database = useTestDatabase();
  const shop = useShop({ ...testHooks, orchestrator: { ...testHooks.orchestrator, ...quickRecovery } }, database);
  let racket: Product;
  let balls: Product;
  const start = new Map<number, number>();
  const placed: string[] = [];
  let refundsCounted = 0;

  beforeTests(async () => {
    racket = await shop.createProduct('Racket', 120.5, 100);
    balls = await shop.createProduct('Tennis balls', 3.33, 500);
    start.set(racket.id, 100).set(balls.id, 500);
  });

  describe(`an orchestrator killed mid-${operation}, another replica running`, () => {
    for (const { fault, ends, run } of scenarios) {
      test(`killed at ${fault}: the survivor ${run === 'completed' ? 'rolls the run forward' : 'undoes it'}`, async () => {
        const stage = operation === 'cancel' ? 'paid' : 'delivered';
        const { shopper, orderId } = await purchase(
          shop,
          [
            { product: racket, quantity: 1 },
            { product: balls, quantity: 5 },
          ],
          stage,
        );
        placed.push(orderId);
        const doomed = await spawnOrchestrator(database, shop.cluster);
        const victim = orderClient(shopClient(urlsOf(shop.cluster, doomed.url)));
        const headers = { 'x-saga-fault': fault };
        const request =
          operation === 'cancel'
            ? victim.cancel(shopper, orderId, headers)
            : victim.returnItems(shopper, orderId, [{ product_id: balls.id, quantity: 2 }], headers);
        await assert.rejects(request, 'the request dies with the process');
        assert.deepEqual(await doomed.exited, { code: null, signal: 'SIGKILL' });

        await settled(shop, orderId);
        const runs = (await shop.admin('GET', '?limit=100')).body.items as Array<{
          type: string;
          status: string;
          input: { order_id?: string };
        }>;
        const mine = runs.filter((each) => each.type !== 'checkout' && each.input.order_id === orderId);
        assert.deepEqual(
          mine.map((each) => each.status),
          [run],
        );
        assert.equal((await orderClient(shop).get(shopper, orderId)).body.status, ends);
        await expectConsistent(shop, placed, start);
        // The refund the killed process made is counted by the replica that completed its run, once.
        if (run === 'completed') refundsCounted++;
        const metrics = await (await fetch(`${shop.urls.orchestrator}/metrics`)).text();
        const label = operation === 'cancel' ? 'cancellation' : 'return';
        const counted = new RegExp(
          `^ecomm_refunds_total\\{operation="${label}",service="orchestrator"\\} (\\d+)$`,
          'm',
        ).exec(metrics)?.[1];
        assert.equal(Number(counted ?? 0), refundsCounted, 'refunds counted by the surviving replica');
      });
    }
  });
}
