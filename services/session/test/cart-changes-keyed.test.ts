import assert from 'node:assert/strict';
import { test } from 'node:test';
import { uniqueId, useSessionWithConnection } from './helpers.js';

// With a key, a cart change runs inside its request's transaction without a savepoint: a refused one must have
// written nothing, not even the cart's mark of a change, and changes racing a claim still take turns at the lock.
const { connection, call } = useSessionWithConnection();
const key = () => ({ 'idempotency-key': uniqueId('key') });

async function updatedAt(sessionId: string) {
  const { rows } = await connection.pool.query<{ updated_at: Date }>(
    'select updated_at from session.carts where session_id = $1',
    [sessionId],
  );
  return rows[0]?.updated_at.getTime();
}

test('a refused change with its key leaves the cart as it was, its mark of a change included', async () => {
  const sessionId = uniqueId('cart');
  await call('POST', '/', { user_id: 'shopper', session_id: sessionId });
  const before = await updatedAt(sessionId);
  assert.equal((await call('POST', `/${sessionId}/items`, { product_id: 5, quantity: 2 }, key())).statusCode, 200);
  const added = await updatedAt(sessionId);
  assert.ok(added! > before!, 'a change marks the cart changed');

  const refusals = [
    call('POST', `/${sessionId}/items`, { product_id: 5, quantity: 1_000_000 }, key()),
    call('DELETE', `/${sessionId}/items/9`, undefined, key()),
  ];
  assert.deepEqual(
    (await Promise.all(refusals)).map((answer) => answer.statusCode),
    [409, 404],
  );
  assert.equal(await updatedAt(sessionId), added);

  let changed = added!;
  for (const [method, url, body] of [
    ['PUT', `/${sessionId}/items/5`, { quantity: 3 }],
    ['DELETE', `/${sessionId}/items/5`, undefined],
    ['DELETE', `/${sessionId}/items`, undefined],
    ['POST', `/${sessionId}/items`, { product_id: 5, quantity: 2 }],
  ] as const) {
    assert.equal((await call(method, url, body, key())).statusCode, 200, `${method} ${url}`);
    const now = await updatedAt(sessionId);
    assert.ok(now! > changed, `${method} ${url} marks the cart changed`);
    changed = now!;
  }

  const claim = { claim_id: 'claim-1', user_id: 'shopper' };
  assert.equal((await call('POST', `/${sessionId}/checkout-claims`, claim, key())).statusCode, 201);
  const claimed = await updatedAt(sessionId);
  const onClaimed = await call('PUT', `/${sessionId}/items/5`, { quantity: 7 }, key());
  assert.equal(onClaimed.statusCode, 409);
  assert.equal(await updatedAt(sessionId), claimed);
  assert.deepEqual((await call('GET', `/${sessionId}`)).json().items, [{ product_id: 5, quantity: 2 }]);
});

test('adds with their keys racing a claim land in its snapshot or get a 409, never after it', async () => {
  const sessionId = uniqueId('raced');
  await call('POST', '/', { user_id: 'shopper', session_id: sessionId });
  await call('POST', `/${sessionId}/items`, { product_id: 1, quantity: 1 });
  const adds = Array.from({ length: 10 }, (_, index) =>
    call('POST', `/${sessionId}/items`, { product_id: 100 + index, quantity: 1 }, key()),
  );
  const claimed = call('POST', `/${sessionId}/checkout-claims`, { claim_id: 'claim-1', user_id: 'shopper' }, key());
  const [claim, ...answers] = await Promise.all([claimed, ...adds]);
  const statuses = answers.map((answer) => answer.statusCode);
  assert.ok(
    statuses.every((status) => status === 200 || status === 409),
    String(statuses),
  );
  assert.equal(claim.statusCode, 201);
  const cart = (await call('GET', `/${sessionId}`)).json();
  assert.deepEqual(cart.items, claim.json().items, 'the cart holds exactly what the claim took');
  assert.equal(cart.items.length, 1 + statuses.filter((status) => status === 200).length);
});
