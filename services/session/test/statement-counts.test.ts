import assert from 'node:assert/strict';
import { test } from 'node:test';
import { roundTripsDuring, useTestService } from '@ecomm/testing';
import { sessionService } from '../src/service.js';
import { caller, uniqueId } from './helpers.js';

// Each statement is a round trip that wakes PostgreSQL and this process: the requests of a checkout send few.
const app = useTestService(sessionService);
const call = caller(() => app);
// The service prunes old keys and claims when it is ready, on timers of its own: not the requests' statements.
const prune = /^delete from \S*"(idempotency_keys|checkout_claims)" where/;

async function roundTrips(work: () => ReturnType<typeof call>, expectedStatus: number) {
  const { result, roundTrips: sent } = await roundTripsDuring('session', work, prune);
  assert.equal(result.statusCode, expectedStatus, result.body);
  return sent;
}

test('a cart: made in one statement, filled in four per item, read in one', async () => {
  const sessionId = uniqueId('counted');
  assert.equal(await roundTrips(() => call('POST', '/', { user_id: 'shopper', session_id: sessionId }), 201), 1);
  for (const [productId, quantity] of [
    [5, 2],
    [3, 1],
    [5, 1],
  ]) {
    const add = () => call('POST', `/${sessionId}/items`, { product_id: productId, quantity });
    // BEGIN, the cart locked and touched, the item added with the items read, COMMIT.
    assert.equal(await roundTrips(add, 200), 4);
  }
  const read = await call('GET', `/${sessionId}`);
  assert.deepEqual(read.json().items, [
    { product_id: 5, quantity: 3 },
    { product_id: 3, quantity: 1 },
  ]);
  assert.equal(await roundTrips(() => call('GET', `/${sessionId}`), 200), 1);
});

test('a checkout claim and its completion, with their keys', async () => {
  const sessionId = uniqueId('claimed');
  await call('POST', '/', { user_id: 'shopper', session_id: sessionId });
  await call('POST', `/${sessionId}/items`, { product_id: 5, quantity: 2 });
  const key = () => ({ 'idempotency-key': uniqueId('key') });
  const claim = () => call('POST', `/${sessionId}/checkout-claims`, { claim_id: 'claim-1', user_id: 'shopper' }, key());
  const complete = () => call('POST', `/${sessionId}/checkout-claims/claim-1/complete`, {}, key());
  // BEGIN, the key's claim, the claim service's statements in a savepoint, the answer, COMMIT.
  assert.ok((await roundTrips(claim, 201)) <= 11);
  assert.ok((await roundTrips(complete, 200)) <= 11);
});
