import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { orchestratorService } from '@ecomm/orchestrator-service/service';
import { startTestService } from '@ecomm/testing';
import { finished, useRestartedOrchestrator } from './checkout-crash-fixtures.js';
import { quickRecovery, shopClient, urlsOf } from './checkout-fixtures.js';
import { expectCheckedOut, expectUntouched, snapshot } from './checkout-invariants.js';

// Up to the charge and just after it; checkout-crash-past-charge.test.ts has the crashes later on (a file each, as
// every test starts an orchestrator process again).
const { database, current, startOrchestrator, crashingCheckout } = useRestartedOrchestrator();

describe('the orchestrator killed mid-checkout, then restarted', () => {
  for (const fault of ['create_order:crash-after', 'charge_payment:crash-before']) {
    test(`killed at ${fault}, before the payment: the restarted process compensates the run`, async () => {
      const { shopper, before } = await crashingCheckout(fault);
      // Left half done: an order waiting, the stock held, the cart locked.
      const [order] = await current.shop.ordersOf(shopper.userId);
      assert.equal(order!.status, 'pending');
      assert.equal((await current.shop.cart(shopper.sessionId)).status, 'checking_out');
      assert.notDeepEqual(await snapshot(current.shop, shopper), before);

      await startOrchestrator();
      const run = await current.shop.waitForSaga(shopper.sessionId, finished);
      assert.equal(run.status, 'compensated', JSON.stringify(run));
      assert.deepEqual(run.failure, {
        step: fault.split(':')[0],
        statusCode: 503,
        code: 'INTERRUPTED',
        message: 'The checkout was interrupted before payment and has been undone',
      });
      await expectUntouched(current.shop, shopper, before);
    });
  }

  test('killed right after the charge: the restarted process finds the payment and rolls the run forward', async () => {
    const { shopper, before } = await crashingCheckout('charge_payment:crash-after');
    const [order] = await current.shop.ordersOf(shopper.userId);
    assert.equal(order!.status, 'pending');
    assert.equal((await current.shop.paymentsFor(order!.order_id))[0]!.status, 'captured');

    await startOrchestrator();
    const run = await current.shop.waitForSaga(shopper.sessionId, finished);
    assert.equal(run.status, 'completed', JSON.stringify(run));
    assert.deepEqual(
      run.steps!.map((step) => [step.name, step.status]),
      ['claim_cart', 'reserve_stock', 'create_order', 'charge_payment', 'confirm_order', 'complete_claim'].map(
        (name) => [name, 'succeeded'],
      ),
    );
    await expectCheckedOut(current.shop, shopper, before);
  });

  test('a run whose process died is finished by the periodic sweep of another replica, without a restart', async () => {
    const replica = await startTestService(orchestratorService, database, {
      ...current.cluster.serviceUrls,
      ...quickRecovery,
    });
    try {
      const { shopper, before } = await crashingCheckout('charge_payment:crash-after');
      const survivor = shopClient(urlsOf(current.cluster, replica.url));
      const run = await survivor.waitForSaga(shopper.sessionId, finished);
      assert.equal(run.status, 'completed', JSON.stringify(run));
      await expectCheckedOut(survivor, shopper, before);
    } finally {
      await replica.app.close();
    }
  });
});
