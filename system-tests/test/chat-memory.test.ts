import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { beforeTests, internalHeaders, useTestDatabase } from '@ecomm/testing';
import { useAgentShop, type AgentShop } from './agent-harness.js';

const database = useTestDatabase();
const shop = useAgentShop({ CHECKOUT_CONFIRMATION: 'required' }, {}, database);
let products: Awaited<ReturnType<AgentShop['resetCatalog']>>;

beforeTests(async () => {
  products = await shop.resetCatalog();
});

describe('durable conversations (PostgreSQL checkpointer)', () => {
  test('"buy it" works across an orchestrator restart', async () => {
    const shopper = await shop.newShopper();
    await shop.chat(shopper, 'Show me the water bottle');
    await shop.restartOrchestrator();
    const { body } = await shop.chat(shopper, 'Add it to my cart');
    assert.deepEqual(body.steps, [
      { tool: 'add_to_cart', args: { product_id: products['Water Bottle']!.id, quantity: 1 }, ok: true },
    ]);
  });

  test('a conversation idle for longer than CHAT_THREAD_TTL_HOURS is forgotten', async () => {
    const shopper = await shop.newShopper();
    await shop.chat(shopper, 'Show me the water bottle');
    const orchestratorDatabase = new pg.Client({ connectionString: database.urlFor('orchestrator') });
    await orchestratorDatabase.connect();
    try {
      await orchestratorDatabase.query(
        "update orchestrator.chat_threads set last_active_at = now() - interval '31 days' where session_id = $1",
        [shopper.sessionId],
      );
      await shop.restartOrchestrator();
      // The restarted orchestrator prunes idle threads as it starts, in the background.
      const remaining = async () =>
        (
          await orchestratorDatabase.query(
            'select count(*)::int as count from orchestrator.checkpoints where thread_id like $1',
            [`%:${shopper.sessionId}`],
          )
        ).rows[0].count as number;
      const deadline = Date.now() + 10_000;
      while ((await remaining()) > 0 && Date.now() < deadline) await sleep(100);
      assert.equal(await remaining(), 0);
    } finally {
      await orchestratorDatabase.end();
    }
    const { body } = await shop.chat(shopper, 'Add it to my cart');
    assert.deepEqual(body.steps, []);
    assert.match(body.response, /not sure which product you mean/);
  });

  test('a session is its own thread: another session of the same user does not know "it"', async () => {
    const shopper = await shop.newShopper();
    await shop.chat(shopper, 'Show me the water bottle');
    const { body } = await shop.chat(shopper, 'Add it to my cart', `${shopper.sessionId}-other`);
    assert.deepEqual(body.steps, []);
    assert.match(body.response, /not sure which product you mean/);
  });
});

describe('CHECKOUT_CONFIRMATION=required', () => {
  test('checkout waits for a "yes", across a restart, then pays', async () => {
    const shopper = await shop.newShopper();
    const asked = await shop.chat(shopper, 'Buy 1 MacBook Pro');
    assert.equal(asked.body.awaiting_confirmation, true);
    assert.match(asked.body.response, /You are about to pay \$2,000\.00 for 1 × MacBook Pro .*Reply "yes" to confirm/);
    assert.deepEqual(await shop.orders(shopper.userId), []);
    assert.equal(await shop.stock(products['MacBook Pro']!.id), 10);

    await shop.restartOrchestrator();
    const confirmed = await shop.chat(shopper, 'yes');
    assert.equal(confirmed.body.awaiting_confirmation, false);
    assert.equal(confirmed.body.orders.length, 1);
    assert.match(confirmed.body.response, /Order ID: /);
    const [order] = await shop.orders(shopper.userId);
    assert.equal(order?.status, 'paid');
    assert.equal(await shop.stock(products['MacBook Pro']!.id), 9);
  });

  test('anything but yes leaves the cart as it is and charges nothing', async () => {
    const shopper = await shop.newShopper();
    await shop.chat(shopper, 'Buy 2 keychains');
    const declined = await shop.chat(shopper, 'no, wait');
    assert.equal(declined.body.awaiting_confirmation, false);
    assert.match(declined.body.response, /Checkout failed: Checkout not confirmed/);
    assert.deepEqual(await shop.orders(shopper.userId), []);
    assert.deepEqual((await shop.cart(shopper.sessionId)).items, [{ product_id: products.Keychain!.id, quantity: 2 }]);
  });

  for (const answer of ['ok, wait, no', 'sure, but first remove the keychain', 'pay attention, I do not want this']) {
    test(`"${answer}" is not a yes`, async () => {
      const shopper = await shop.newShopper();
      await shop.chat(shopper, 'Buy a keychain');
      const { body } = await shop.chat(shopper, answer);
      assert.match(body.response, /not confirmed/);
      assert.deepEqual(await shop.orders(shopper.userId), []);
    });
  }

  test('a cart whose total changed after the question is not paid on "yes"', async () => {
    const shopper = await shop.newShopper();
    const asked = await shop.chat(shopper, 'Buy a water bottle');
    assert.match(asked.body.response, /\$10\.00/);
    const repriced = await fetch(`${shop.urls.product}/${products['Water Bottle']!.id}`, {
      method: 'PATCH',
      headers: { ...internalHeaders, 'content-type': 'application/json' },
      body: JSON.stringify({ price: 50 }),
    });
    assert.equal(repriced.status, 200);
    const { body } = await shop.chat(shopper, 'yes');
    assert.match(body.response, /cart changed after you were asked/);
    assert.deepEqual(await shop.orders(shopper.userId), []);
  });
});
