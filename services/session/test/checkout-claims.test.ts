import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { useTestService } from '@ecomm/testing';
import { sessionService } from '../src/service.js';
import { caller, cartItems as items, cartOf, uniqueId } from './helpers.js';

const app = useTestService(sessionService);
const call = caller(() => app);
const filledCart = () => cartOf(call);

async function claim(sessionId: string, claimId: string, userId = 'shopper', headers: Record<string, string> = {}) {
  return call('POST', `/${sessionId}/checkout-claims`, { claim_id: claimId, user_id: userId }, headers);
}

describe('whose cart a claim takes', () => {
  test("a claim in another user's name is a 403 and claims nothing: the cart stays open for its owner", async () => {
    const sessionId = await filledCart();
    const refused = await claim(sessionId, 'claim-stolen', 'intruder');
    assert.equal(refused.statusCode, 403);
    assert.deepEqual(
      [refused.json().code, refused.json().message],
      ['FORBIDDEN', 'This session belongs to another user'],
    );
    assert.equal((await call('GET', `/${sessionId}/checkout-claims/claim-stolen`)).statusCode, 404);
    assert.equal((await call('GET', `/${sessionId}`)).json().status, 'open');
    assert.equal((await claim(sessionId, 'claim-own')).statusCode, 201);
  });

  test("another user naming an existing claim's id is refused too, not shown the claim", async () => {
    const sessionId = await filledCart();
    assert.equal((await claim(sessionId, 'claim-mine')).statusCode, 201);
    const peek = await claim(sessionId, 'claim-mine', 'intruder');
    assert.equal(peek.statusCode, 403);
    assert.equal(peek.json().items, undefined);
  });

  test("another user's refused checkout, undone as the saga undoes it, leaves the owner's checkout in progress untouched", async () => {
    const sessionId = await filledCart();
    assert.equal((await claim(sessionId, 'claim-owner')).statusCode, 201);
    // The intruder's checkout: its claim refused, then its compensation releases the claim it never made.
    assert.equal((await claim(sessionId, 'claim-intruder', 'intruder')).statusCode, 403);
    assert.equal((await call('POST', `/${sessionId}/checkout-claims/claim-intruder/release`, {})).statusCode, 404);
    assert.equal((await call('GET', `/${sessionId}`)).json().status, 'checking_out');
    const completed = await call('POST', `/${sessionId}/checkout-claims/claim-owner/complete`, {});
    assert.deepEqual(
      [completed.statusCode, completed.json().status, completed.json().items],
      [200, 'completed', items],
    );
    const cart = (await call('GET', `/${sessionId}`)).json();
    assert.deepEqual([cart.status, cart.items], ['open', []]);
  });

  test('a refusal replayed with the same Idempotency-Key answers the same', async () => {
    const sessionId = await filledCart();
    const key = { 'idempotency-key': uniqueId('claim-key') };
    const first = await claim(sessionId, 'claim-keyed', 'intruder', key);
    const again = await claim(sessionId, 'claim-keyed', 'intruder', key);
    assert.equal(first.statusCode, 403);
    assert.deepEqual([again.statusCode, again.json()], [403, first.json()]);
    assert.equal((await call('GET', `/${sessionId}`)).json().status, 'open');
  });
});

describe('claiming a cart', () => {
  test('a claim snapshots the items and marks the cart checking_out; the same claim id returns the same claim', async () => {
    const sessionId = await filledCart();
    const first = await claim(sessionId, 'claim-1');
    assert.equal(first.statusCode, 201);
    assert.deepEqual(first.json(), { session_id: sessionId, claim_id: 'claim-1', status: 'active', items });
    assert.equal((await call('GET', `/${sessionId}`)).json().status, 'checking_out');

    const again = await claim(sessionId, 'claim-1');
    assert.equal(again.statusCode, 200);
    assert.deepEqual(again.json(), first.json());
    const read = await call('GET', `/${sessionId}/checkout-claims/claim-1`);
    assert.deepEqual(read.json(), first.json());
  });

  test('an empty cart cannot be claimed', async () => {
    const sessionId = uniqueId('empty');
    await call('POST', '/', { user_id: 'shopper', session_id: sessionId });
    const response = await claim(sessionId, 'claim-empty');
    assert.equal(response.statusCode, 409);
    assert.equal(response.json().message, 'Cart is empty');
    assert.equal((await call('GET', `/${sessionId}/checkout-claims/claim-empty`)).statusCode, 404);
  });

  test("a second claim on a claimed cart is a 409 in a shopper's words, the checkout in progress named in its details", async () => {
    const sessionId = await filledCart();
    await claim(sessionId, 'claim-a');
    const second = await claim(sessionId, 'claim-b');
    assert.deepEqual(
      [second.statusCode, second.json().message, second.json().details],
      [409, 'Cart is being checked out; try again when it finishes', { claim_id: 'claim-a' }],
    );
  });

  test('every item change on a claimed cart is a 409 and the items stay as claimed', async () => {
    const sessionId = await filledCart();
    await claim(sessionId, 'claim-lock');
    const changes = [
      call('POST', `/${sessionId}/items`, { product_id: 9, quantity: 1 }),
      call('PUT', `/${sessionId}/items/5`, { quantity: 7 }),
      call('DELETE', `/${sessionId}/items/3`),
      call('DELETE', `/${sessionId}/items`),
    ];
    for (const response of await Promise.all(changes)) {
      assert.equal(response.statusCode, 409);
      assert.equal(response.json().message, 'Cart is being checked out; try again when it finishes');
    }
    assert.deepEqual((await call('GET', `/${sessionId}`)).json().items, items);
  });

  test('unknown sessions and claims are 404s', async () => {
    assert.equal((await claim('ghost-cart', 'claim-x')).statusCode, 404);
    const sessionId = await filledCart();
    for (const url of [
      `/${sessionId}/checkout-claims/nope`,
      `/${sessionId}/checkout-claims/nope/release`,
      `/${sessionId}/checkout-claims/nope/complete`,
    ]) {
      const response = await call(url.endsWith('nope') ? 'GET' : 'POST', url);
      assert.equal(response.statusCode, 404, url);
      assert.equal(response.json().message, `Checkout claim "nope" not found for session "${sessionId}"`);
    }
  });
});

describe('releasing and completing', () => {
  test('release reopens the cart with its items; releasing again is a no-op with the same answer', async () => {
    const sessionId = await filledCart();
    await claim(sessionId, 'claim-r');
    const released = await call('POST', `/${sessionId}/checkout-claims/claim-r/release`);
    assert.equal(released.statusCode, 200);
    assert.deepEqual(released.json(), { session_id: sessionId, claim_id: 'claim-r', status: 'released', items });
    assert.deepEqual((await call('GET', `/${sessionId}`)).json(), {
      session_id: sessionId,
      user_id: 'shopper',
      status: 'open',
      items,
    });

    const again = await call('POST', `/${sessionId}/checkout-claims/claim-r/release`);
    assert.deepEqual(again.json(), released.json());
    assert.equal(
      (await call('POST', `/${sessionId}/items`, { product_id: 5, quantity: 1 })).statusCode,
      200,
      'the cart takes changes again',
    );
    assert.equal((await claim(sessionId, 'claim-r')).json().status, 'released', 'the released claim id stays spent');
    assert.equal((await claim(sessionId, 'claim-r2')).statusCode, 201, 'a new claim can be taken');
  });

  test('complete empties the cart and reopens it; completing again is a no-op with the same answer', async () => {
    const sessionId = await filledCart();
    await claim(sessionId, 'claim-c');
    const completed = await call('POST', `/${sessionId}/checkout-claims/claim-c/complete`);
    assert.equal(completed.statusCode, 200);
    assert.deepEqual(completed.json(), { session_id: sessionId, claim_id: 'claim-c', status: 'completed', items });
    assert.deepEqual((await call('GET', `/${sessionId}`)).json(), {
      session_id: sessionId,
      user_id: 'shopper',
      status: 'open',
      items: [],
    });

    const again = await call('POST', `/${sessionId}/checkout-claims/claim-c/complete`);
    assert.deepEqual(again.json(), completed.json());
    const added = await call('POST', `/${sessionId}/items`, { product_id: 8, quantity: 1 });
    assert.deepEqual(added.json().items, [{ product_id: 8, quantity: 1 }]);
  });

  test('completing a released claim and releasing a completed one are 409s naming both states', async () => {
    const releasedCart = await filledCart();
    await claim(releasedCart, 'claim-1');
    await call('POST', `/${releasedCart}/checkout-claims/claim-1/release`);
    const complete = await call('POST', `/${releasedCart}/checkout-claims/claim-1/complete`);
    assert.equal(complete.statusCode, 409);
    assert.equal(
      complete.json().message,
      'Checkout claim "claim-1" is already released; a released claim cannot be completed',
    );
    assert.deepEqual(
      (await call('GET', `/${releasedCart}`)).json().items,
      items,
      'the refused complete emptied nothing',
    );

    const completedCart = await filledCart();
    await claim(completedCart, 'claim-2');
    await call('POST', `/${completedCart}/checkout-claims/claim-2/complete`);
    const release = await call('POST', `/${completedCart}/checkout-claims/claim-2/release`);
    assert.equal(release.statusCode, 409);
    assert.equal(
      release.json().message,
      'Checkout claim "claim-2" is already completed; a completed claim cannot be released',
    );
  });

  test('the snapshot is what was claimed, even after the cart is refilled', async () => {
    const sessionId = await filledCart();
    await claim(sessionId, 'claim-old');
    await call('POST', `/${sessionId}/checkout-claims/claim-old/complete`);
    await call('POST', `/${sessionId}/items`, { product_id: 42, quantity: 4 });
    assert.deepEqual((await call('GET', `/${sessionId}/checkout-claims/claim-old`)).json().items, items);
  });
});

describe('a release that overtakes its claim', () => {
  test('is remembered: the late claim is refused and the cart stays open', async () => {
    const sessionId = await filledCart();
    const early = await call('POST', `/${sessionId}/checkout-claims/late-claim/release`);
    assert.equal(early.statusCode, 404);
    const late = await claim(sessionId, 'late-claim');
    assert.equal(late.statusCode, 409);
    assert.match(late.json().message, /released before it was made/);
    const cart = await call('GET', `/${sessionId}`);
    assert.equal(cart.json().status, 'open');
    assert.equal((await claim(sessionId, 'fresh-claim')).statusCode, 201);
  });
});
