import assert from 'node:assert/strict';
import { test } from 'node:test';
import { uniqueId, useSessionWithConnection } from './helpers.js';

// An item change's statement runs after its wait for the cart's lock (sent with it in one message), in a snapshot of
// its own: these hold the lock in another connection, queue changes behind it, commit something meanwhile and check
// the changes saw it. Joined to the change's statement, the lock would leave that statement reading the items as they
// were before the wait.
const { connection, call, untilWaiting, holdingTheLock } = useSessionWithConnection({
  DATABASE_LOCK_TIMEOUT_MS: '1500',
});
const key = () => ({ 'idempotency-key': uniqueId('key') });

async function cartHolding(productId: number) {
  const sessionId = uniqueId('cart');
  await call('POST', '/', { user_id: 'shopper', session_id: sessionId });
  await call('POST', `/${sessionId}/items`, { product_id: productId, quantity: 1 }, key());
  return sessionId;
}

test('an add and a remove that waited for the lock answer the items committed during their wait', async () => {
  const sessionId = await cartHolding(1);
  const holder = await holdingTheLock(sessionId);
  try {
    const added = call('POST', `/${sessionId}/items`, { product_id: 3, quantity: 1 }, key());
    await untilWaiting(1);
    // The line this remove asks for is committed after its wait began.
    const removed = call('DELETE', `/${sessionId}/items/2`, undefined, key());
    await untilWaiting(2);
    await holder.query('insert into session.cart_items (session_id, product_id, quantity) values ($1, 2, 4)', [
      sessionId,
    ]);
    await holder.query('commit');
    const [add, remove] = await Promise.all([added, removed]);
    assert.deepEqual(
      [add.statusCode, add.json().items],
      [
        200,
        [
          { product_id: 1, quantity: 1 },
          { product_id: 2, quantity: 4 },
          { product_id: 3, quantity: 1 },
        ],
      ],
      add.body,
    );
    const left = [
      { product_id: 1, quantity: 1 },
      { product_id: 3, quantity: 1 },
    ];
    assert.deepEqual([remove.statusCode, remove.json().items], [200, left], remove.body);
    assert.deepEqual((await call('GET', `/${sessionId}`)).json().items, left);
  } finally {
    holder.release();
  }
});

test('changes that waited while a checkout claim was taken are refused as before and write nothing', async () => {
  const sessionId = await cartHolding(1);
  const holder = await holdingTheLock(sessionId);
  try {
    const changes = [
      call('POST', `/${sessionId}/items`, { product_id: 9, quantity: 1 }, key()),
      call('PUT', `/${sessionId}/items/1`, { quantity: 7 }, key()),
      call('DELETE', `/${sessionId}/items/1`, undefined, key()),
      call('DELETE', `/${sessionId}/items`, undefined, key()),
    ];
    await untilWaiting(changes.length);
    // claim-1 taken, as a claim would, with a mark of the change any refused change would overwrite.
    await holder.query(
      `insert into session.checkout_claims (session_id, claim_id, status, items)
       values ($1, 'claim-1', 'active', '[{"product_id": 1, "quantity": 1}]')`,
      [sessionId],
    );
    await holder.query(
      "update session.carts set active_claim_id = 'claim-1', updated_at = '2000-01-01Z' where session_id = $1",
      [sessionId],
    );
    await holder.query('commit');
    for (const answer of await Promise.all(changes)) {
      assert.deepEqual(
        [answer.statusCode, answer.json().message, answer.json().details],
        [409, 'Cart is being checked out; try again when it finishes', { claim_id: 'claim-1' }],
        answer.body,
      );
    }
  } finally {
    holder.release();
  }
  const { rows } = await connection.pool.query<{ updated_at: Date }>(
    'select updated_at from session.carts where session_id = $1',
    [sessionId],
  );
  assert.equal(rows[0]!.updated_at.toISOString(), '2000-01-01T00:00:00.000Z');
  assert.deepEqual((await call('GET', `/${sessionId}`)).json().items, [{ product_id: 1, quantity: 1 }]);
});

test('a change that waited while its claim was completed goes through, on the items the completion left', async () => {
  const sessionId = await cartHolding(1);
  assert.equal(
    (await call('POST', `/${sessionId}/checkout-claims`, { claim_id: 'claim-1', user_id: 'shopper' })).statusCode,
    201,
  );
  const holder = await holdingTheLock(sessionId);
  try {
    const set = call('PUT', `/${sessionId}/items/2`, { quantity: 5 }, key());
    await untilWaiting(1);
    // claim-1 completed, as a completion would (the cart reopened and emptied), after the set's wait began.
    await holder.query("update session.checkout_claims set status = 'completed' where session_id = $1", [sessionId]);
    await holder.query('delete from session.cart_items where session_id = $1', [sessionId]);
    await holder.query('update session.carts set active_claim_id = null where session_id = $1', [sessionId]);
    await holder.query('commit');
    const answer = await set;
    assert.deepEqual(
      [answer.statusCode, answer.json().status, answer.json().items],
      [200, 'open', [{ product_id: 2, quantity: 5 }]],
      answer.body,
    );
  } finally {
    holder.release();
  }
});

test('an add that gives up waiting for the lock is a 503 and writes nothing: its retry under the same key adds once', async () => {
  const sessionId = await cartHolding(1);
  const sameKey = key();
  const add = () => call('POST', `/${sessionId}/items`, { product_id: 1, quantity: 2 }, sameKey);
  const holder = await holdingTheLock(sessionId);
  try {
    // The holder keeps the lock past the service's lock timeout: the held lock fails the add's statement with it.
    const refused = await add();
    assert.deepEqual([refused.statusCode, refused.json().code], [503, 'SERVICE_BUSY'], refused.body);
  } finally {
    await holder.query('rollback');
    holder.release();
  }
  assert.deepEqual((await call('GET', `/${sessionId}`)).json().items, [{ product_id: 1, quantity: 1 }]);
  const retried = await add();
  const replayed = await add();
  assert.deepEqual([retried.statusCode, retried.json().items], [200, [{ product_id: 1, quantity: 3 }]], retried.body);
  assert.deepEqual([replayed.headers['idempotent-replayed'], replayed.json()], ['true', retried.json()]);
});
