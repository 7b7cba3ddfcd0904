import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import pg from 'pg';
import { finished, useRestartedOrchestrator } from './checkout-crash-fixtures.js';
import { expectCheckedOut } from './checkout-invariants.js';

// Past the charge, as the order is confirmed and the cart emptied (checkout-crash-recovery.test.ts has the rest).
const { database, current, startOrchestrator, crashingCheckout } = useRestartedOrchestrator();

/** The steps of the session's run as its record says, read from the database while no orchestrator runs. */
async function stepsRecorded(sessionId: string) {
  const client = new pg.Client({ connectionString: database.urlFor('orchestrator') });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string; status: string }>(
      `select step.name, step.status from orchestrator.saga_steps step
       join orchestrator.saga_runs run on run.id = step.saga_id
       where run.input->>'session_id' = $1 order by step.position`,
      [sessionId],
    );
    return rows.map((step) => [step.name, step.status]);
  } finally {
    await client.end();
  }
}

/** Waits for the restarted process to finish the session's run: completed, every step succeeded. */
async function expectCompletedWithEveryStep(sessionId: string) {
  const run = await current.shop.waitForSaga(sessionId, finished);
  assert.equal(run.status, 'completed', JSON.stringify(run));
  assert.ok(
    run.steps!.every((step) => step.status === 'succeeded'),
    JSON.stringify(run.steps),
  );
}

describe('the orchestrator killed past the charge, then restarted', () => {
  test('killed as the cart is about to be emptied, the confirmation just sent: the restarted process completes both once', async () => {
    const { shopper, before } = await crashingCheckout('complete_claim:crash-before');
    // The confirmation may or may not have reached the order service; the cart is still being checked out.
    assert.equal((await current.shop.cart(shopper.sessionId)).status, 'checking_out');

    await startOrchestrator();

    await expectCompletedWithEveryStep(shopper.sessionId);
    await expectCheckedOut(current.shop, shopper, before);
  });

  // confirm_order and complete_claim run together: killed as either answers, the other may be done or on its way.
  for (const [fault, done] of [
    ['confirm_order:crash-after', 'the order paid'],
    ['complete_claim:crash-after', 'the cart emptied'],
  ] as const) {
    test(`killed at ${fault}, before the one write past the charge: the restarted process completes both once`, async () => {
      await current.orchestrator.stop();
      // Beating every 2 s, the run is surely its own from the charge to the end: nothing past the charge is written.
      await startOrchestrator({ SAGA_HEARTBEAT_MS: '2000', SAGA_STALE_AFTER_MS: '5000' });
      const { shopper, before } = await crashingCheckout(fault);
      // Paid and that step done, yet the run's record still has the charge in flight.
      assert.deepEqual(await stepsRecorded(shopper.sessionId), [
        ['claim_cart', 'succeeded'],
        ['reserve_stock', 'succeeded'],
        ['create_order', 'succeeded'],
        ['charge_payment', 'running'],
        ['confirm_order', 'pending'],
        ['complete_claim', 'pending'],
      ]);
      const [order] = await current.shop.ordersOf(shopper.userId);
      const cart = await current.shop.cart(shopper.sessionId);
      if (done === 'the order paid') assert.equal(order!.status, 'paid');
      else assert.deepEqual({ status: cart.status, items: cart.items }, { status: 'open', items: [] });

      await startOrchestrator();

      await expectCompletedWithEveryStep(shopper.sessionId);
      // Both run again with the same keys: one paid order, one capture, the stock taken once, the cart emptied.
      await expectCheckedOut(current.shop, shopper, before);
    });
  }
});
