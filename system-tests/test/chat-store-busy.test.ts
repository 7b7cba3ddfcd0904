import assert from 'node:assert/strict';
import { test } from 'node:test';
import pg from 'pg';
import { beforeTests, useTestDatabase } from '@ecomm/testing';
import { useAgentShop } from './agent-harness.js';

// A chat turn saves its conversation once, when it ends: after its tools have changed the cart (or paid). When that
// save gives up waiting for the orchestrator's database, the shopper must not be told that nothing was changed.

const database = useTestDatabase();
const shop = useAgentShop({ DATABASE_LOCK_TIMEOUT_MS: '300' }, {}, database);

beforeTests(async () => {
  await shop.resetCatalog();
});

test('a turn whose conversation cannot be saved after its tool ran never answers "Nothing was changed"', async () => {
  const shopper = await shop.newShopper();
  assert.equal((await shop.chat(shopper, 'Show me the water bottle')).status, 200);
  const admin = new pg.Client({ connectionString: database.adminUrl });
  await admin.connect();
  try {
    // Another transaction holds the saved conversations: reading them goes on, saving one waits.
    await admin.query('begin');
    await admin.query('lock table orchestrator.checkpoints in exclusive mode');
    const { status, body } = await shop.chat(shopper, 'Add it to my cart');
    await admin.query('rollback');

    const cart = await shop.cart(shopper.sessionId);
    assert.equal(cart.items.length, 1, 'the tool ran: the bottle is in the cart');
    assert.equal(status, 503, JSON.stringify(body));
    const { message } = body as unknown as { message: string };
    assert.doesNotMatch(message, /Nothing was changed/);
    assert.match(message, /check your cart/i);
  } finally {
    await admin.query('rollback').catch(() => undefined);
    await admin.end();
  }
});
