import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { useTestService } from '@ecomm/testing';
import { sessionService } from '../src/service.js';
import { caller, cartItems as items, cartOf, uniqueId } from './helpers.js';

// The saga's calls carry keys, so each step runs inside its request's transaction, without a savepoint: these check
// that a refused step wrote nothing, and that steps racing on one cart take turns at its lock.
const app = useTestService(sessionService);
const call = caller(() => app);
const filledCart = () => cartOf(call);

const key = () => ({ 'idempotency-key': uniqueId('key') });
const claim = (sessionId: string, claimId: string) =>
  call('POST', `/${sessionId}/checkout-claims`, { claim_id: claimId, user_id: 'shopper' }, key());
const finish = (sessionId: string, claimId: string, step: 'complete' | 'release') =>
  call('POST', `/${sessionId}/checkout-claims/${claimId}/${step}`, {}, key());
const claimRead = (sessionId: string, claimId: string) => call('GET', `/${sessionId}/checkout-claims/${claimId}`);
const cartRead = async (sessionId: string) => (await call('GET', `/${sessionId}`)).json();

const rounds = 5;

describe('steps racing on one cart', () => {
  test('two claims of one cart at once: exactly one wins, the other is a 409 naming it and left no claim', async () => {
    for (let round = 0; round < rounds; round++) {
      const sessionId = await filledCart();
      const answers = await Promise.all([claim(sessionId, 'claim-a'), claim(sessionId, 'claim-b')]);
      const winner = answers.find((answer) => answer.statusCode === 201);
      const loser = answers.find((answer) => answer.statusCode === 409);
      assert.ok(winner && loser, answers.map((answer) => answer.body).join());
      const winnerId = winner.json().claim_id as string;
      assert.deepEqual(loser.json().details, { claim_id: winnerId });
      const loserId = winnerId === 'claim-a' ? 'claim-b' : 'claim-a';
      assert.equal((await claimRead(sessionId, loserId)).statusCode, 404);
      assert.deepEqual(winner.json().items, items);
      assert.equal((await cartRead(sessionId)).status, 'checking_out');
    }
  });

  test('the same claim twice at once: one takes it, the other gets it back', async () => {
    for (let round = 0; round < rounds; round++) {
      const sessionId = await filledCart();
      const answers = await Promise.all([claim(sessionId, 'claim-1'), claim(sessionId, 'claim-1')]);
      assert.deepEqual(answers.map((answer) => answer.statusCode).sort(), [200, 201]);
      assert.deepEqual(answers[0]?.json(), answers[1]?.json());
    }
  });

  test('complete and release of one claim at once: one wins, the other is a 409, the cart as the winner left it', async () => {
    for (let round = 0; round < rounds; round++) {
      const sessionId = await filledCart();
      assert.equal((await claim(sessionId, 'claim-1')).statusCode, 201);
      const [completed, released] = await Promise.all([
        finish(sessionId, 'claim-1', 'complete'),
        finish(sessionId, 'claim-1', 'release'),
      ]);
      const statuses = [completed.statusCode, released.statusCode];
      assert.ok(statuses.includes(200) && statuses.includes(409), String(statuses));
      const winner = completed.statusCode === 200 ? 'completed' : 'released';
      const loser = completed.statusCode === 200 ? released : completed;
      assert.deepEqual(loser.json().details, { status: winner });
      assert.equal((await claimRead(sessionId, 'claim-1')).json().status, winner);
      const cart = await cartRead(sessionId);
      assert.deepEqual([cart.status, cart.items], ['open', winner === 'completed' ? [] : items]);
    }
  });

  test('a release racing its own claim: either order leaves the cart open with its items and the claim id spent', async () => {
    for (let round = 0; round < rounds; round++) {
      const sessionId = await filledCart();
      const [claimed, released] = await Promise.all([
        claim(sessionId, 'claim-1'),
        finish(sessionId, 'claim-1', 'release'),
      ]);
      const order = [claimed.statusCode, released.statusCode];
      // The claim first: it is then released. The release first: it is remembered, and the claim refused.
      assert.ok(String(order) === '201,200' || String(order) === '409,404', String(order));
      const cart = await cartRead(sessionId);
      assert.deepEqual([cart.status, cart.items], ['open', items]);
      assert.notEqual((await claim(sessionId, 'claim-1')).statusCode, 201);
    }
  });
});

describe('a refused step with its key has written nothing', () => {
  test('a claim refused for a busy cart or an empty one leaves no claim and the cart as it was', async () => {
    const sessionId = await filledCart();
    assert.equal((await claim(sessionId, 'claim-a')).statusCode, 201);
    assert.equal((await claim(sessionId, 'claim-b')).statusCode, 409);
    assert.equal((await claimRead(sessionId, 'claim-b')).statusCode, 404);
    assert.equal((await claimRead(sessionId, 'claim-a')).json().status, 'active');
    assert.equal((await cartRead(sessionId)).status, 'checking_out');

    const emptyId = uniqueId('empty');
    await call('POST', '/', { user_id: 'shopper', session_id: emptyId });
    const empty = await claim(emptyId, 'claim-e');
    assert.deepEqual([empty.statusCode, empty.json().message], [409, 'Cart is empty']);
    assert.equal((await claimRead(emptyId, 'claim-e')).statusCode, 404);
    assert.equal((await cartRead(emptyId)).status, 'open');
  });

  test('completing a released claim keeps the items; releasing a completed one keeps it completed', async () => {
    const releasedCart = await filledCart();
    await claim(releasedCart, 'claim-1');
    assert.equal((await finish(releasedCart, 'claim-1', 'release')).statusCode, 200);
    assert.equal((await finish(releasedCart, 'claim-1', 'complete')).statusCode, 409);
    assert.deepEqual(await cartRead(releasedCart), {
      session_id: releasedCart,
      user_id: 'shopper',
      status: 'open',
      items,
    });
    assert.equal((await claimRead(releasedCart, 'claim-1')).json().status, 'released');

    const completedCart = await filledCart();
    await claim(completedCart, 'claim-2');
    assert.equal((await finish(completedCart, 'claim-2', 'complete')).statusCode, 200);
    await call('POST', `/${completedCart}/items`, { product_id: 8, quantity: 1 });
    assert.equal((await finish(completedCart, 'claim-2', 'release')).statusCode, 409);
    assert.equal((await claimRead(completedCart, 'claim-2')).json().status, 'completed');
    const cart = await cartRead(completedCart);
    assert.deepEqual([cart.status, cart.items], ['open', [{ product_id: 8, quantity: 1 }]]);
  });

  test('an early release with its key is still remembered, though it answers 404', async () => {
    const sessionId = await filledCart();
    assert.equal((await finish(sessionId, 'late-claim', 'release')).statusCode, 404);
    assert.equal((await claimRead(sessionId, 'late-claim')).statusCode, 404, 'not shown as a claim');
    const late = await claim(sessionId, 'late-claim');
    assert.equal(late.statusCode, 409);
    assert.match(late.json().message, /released before it was made/);
    assert.equal((await finish(sessionId, 'late-claim', 'complete')).statusCode, 404);
    assert.equal((await cartRead(sessionId)).status, 'open');
  });
});
