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

test('a cart: made in one statement, filled in two per item, read in one', async () => {
  const sessionId = uniqueId('counted');
  assert.equal(await roundTrips(() => call('POST', '/', { user_id: 'shopper', session_id: sessionId }), 201), 1);
  for (const [productId, quantity] of [
    [5, 2],
    [3, 1],
    [5, 1],
  ]) {
    const add = () => call('POST', `/${sessionId}/items`, { product_id: productId, quantity });
    // BEGIN with the cart's lock and the item added (the cart touched, the items read) in one message, COMMIT. Was 3
    // while the lock was a round trip of its own.
    assert.equal(await roundTrips(add, 200), 2);
  }
  const read = await call('GET', `/${sessionId}`);
  assert.deepEqual(read.json().items, [
    { product_id: 5, quantity: 3 },
    { product_id: 3, quantity: 1 },
  ]);
  assert.equal(await roundTrips(() => call('GET', `/${sessionId}`), 200), 1);
});

test("an add with its key (the orchestrator's): two round trips, no savepoint", async () => {
  const sessionId = uniqueId('keyed');
  await call('POST', '/', { user_id: 'shopper', session_id: sessionId });
  const add = (productId: number) => () =>
    call('POST', `/${sessionId}/items`, { product_id: productId, quantity: 1 }, { 'idempotency-key': uniqueId('add') });
  // BEGIN, the key's claim and the cart's lock with the item added (the cart touched, the items read), the answer
  // with COMMIT. Was 8: the change joins the request's transaction, having nothing to undo when refused; then 6,
  // before BEGIN and COMMIT travelled with the key's statements; then 4, before the lock travelled with the change;
  // then 3, before the claim did.
  assert.equal(await roundTrips(add(5), 200), 2);
  assert.equal(await roundTrips(add(3), 200), 2);
});

test('a set, a remove and a clear: two statements each, as an add', async () => {
  const sessionId = uniqueId('changed');
  await call('POST', '/', { user_id: 'shopper', session_id: sessionId });
  await call('POST', `/${sessionId}/items`, { product_id: 5, quantity: 1 });
  // BEGIN with the cart's lock and the change (which answers the items after it) in one message, COMMIT. Were 4: the
  // lock, the change and the items read after it were a round trip each.
  assert.equal(await roundTrips(() => call('PUT', `/${sessionId}/items/3`, { quantity: 2 }), 200), 2);
  assert.equal(await roundTrips(() => call('DELETE', `/${sessionId}/items/5`), 200), 2);
  assert.equal(await roundTrips(() => call('DELETE', `/${sessionId}/items`), 200), 2);
});

async function filledCart(sessionId: string) {
  await call('POST', '/', { user_id: 'shopper', session_id: sessionId });
  await call('POST', `/${sessionId}/items`, { product_id: 5, quantity: 2 });
  await call('POST', `/${sessionId}/items`, { product_id: 3, quantity: 1 });
}

const key = () => ({ 'idempotency-key': uniqueId('key') });
const claimOf =
  (sessionId: string, claimId: string, userId = 'shopper') =>
  () =>
    call('POST', `/${sessionId}/checkout-claims`, { claim_id: claimId, user_id: userId }, key());
const finishOf = (sessionId: string, claimId: string, step: 'complete' | 'release') => () =>
  call('POST', `/${sessionId}/checkout-claims/${claimId}/${step}`, {}, key());

test('a checkout claim, its completion and its release, with their keys: two round trips each', async () => {
  const sessionId = uniqueId('claimed');
  await filledCart(sessionId);
  // BEGIN, the key's claim and the cart's lock with the claim taken (or moved) in one statement, the answer with
  // COMMIT: the step joins the request's transaction (no savepoint). Was 11 each: a savepoint and five statements of
  // the step; then 6, before BEGIN and COMMIT travelled with the key's statements; then 4, before the lock travelled
  // with the step's statement; then 3, before the key's claim did.
  assert.equal(await roundTrips(claimOf(sessionId, 'claim-1'), 201), 2);
  assert.equal(await roundTrips(finishOf(sessionId, 'claim-1', 'complete'), 200), 2);
  await call('POST', `/${sessionId}/items`, { product_id: 5, quantity: 2 });
  assert.equal(await roundTrips(claimOf(sessionId, 'claim-2'), 201), 2);
  assert.equal(await roundTrips(finishOf(sessionId, 'claim-2', 'release'), 200), 2);
  // Replays of the steps by claim id (a new key) cost the same.
  assert.equal(await roundTrips(claimOf(sessionId, 'claim-2'), 200), 2);
  assert.equal(await roundTrips(finishOf(sessionId, 'claim-1', 'complete'), 200), 2);
});

test('without a key, a step is its own transaction: BEGIN with the lock and the work, then COMMIT', async () => {
  const sessionId = uniqueId('unkeyed');
  await filledCart(sessionId);
  const claim = () => call('POST', `/${sessionId}/checkout-claims`, { claim_id: 'claim-1', user_id: 'shopper' });
  assert.equal(await roundTrips(claim, 201), 2);
  assert.equal(await roundTrips(() => call('POST', `/${sessionId}/checkout-claims/claim-1/complete`), 200), 2);
});

test('a refused step costs one statement more than a taken one: its answer is stored on its own', async () => {
  const sessionId = uniqueId('refused');
  await filledCart(sessionId);
  // BEGIN and the key with the lock and the step's statement (which tells another user's cart too), the stored
  // refusal, COMMIT. A refusal's answer is written on its own (a failed statement may have aborted the transaction:
  // see answeredInOneTransaction). Were 4, 4, 5 and 5 while the lock was a round trip of its own, then 4, 3, 4 and 4
  // while the key's claim was.
  assert.equal(await roundTrips(claimOf(sessionId, 'claim-x', 'intruder'), 403), 3);
  assert.equal(await roundTrips(claimOf(sessionId, 'claim-1'), 201), 2);
  assert.equal(await roundTrips(claimOf(sessionId, 'claim-2'), 409), 3);
  assert.equal(await roundTrips(finishOf(sessionId, 'claim-2', 'complete'), 404), 3);
});
