import assert from 'node:assert/strict';
import { test } from 'node:test';
import { uniqueId, useSessionWithConnection } from './helpers.js';

// The claim's statement runs after its wait for the cart's lock, in a snapshot of its own: these hold the lock in
// another connection, queue requests behind it in a known order, and check the claim took the items as they were
// when it was granted the lock: what committed before is in it, what came after is refused.
const lockTimeoutMs = 1_500;
const { connection, call, untilWaiting, holdingTheLock } = useSessionWithConnection({
  DATABASE_LOCK_TIMEOUT_MS: String(lockTimeoutMs),
});
const key = () => ({ 'idempotency-key': uniqueId('key') });
const claimBody = { claim_id: 'claim-1', user_id: 'shopper' };

test('an item committed while the claim waited for the lock is in the claim; an add queued after it is refused', async () => {
  const sessionId = uniqueId('cart');
  await call('POST', '/', { user_id: 'shopper', session_id: sessionId });
  await call('POST', `/${sessionId}/items`, { product_id: 1, quantity: 1 }, key());

  const holder = await holdingTheLock(sessionId);
  try {
    const claimed = call('POST', `/${sessionId}/checkout-claims`, claimBody, key());
    await untilWaiting(1);
    const late = call('POST', `/${sessionId}/items`, { product_id: 3, quantity: 1 }, key());
    await untilWaiting(2);
    // A change that committed before the claim was granted the lock, after the claim's wait began.
    await holder.query('insert into session.cart_items (session_id, product_id, quantity) values ($1, 2, 4)', [
      sessionId,
    ]);
    await holder.query('commit');
    const [claim, add] = await Promise.all([claimed, late]);
    assert.equal(claim.statusCode, 201, claim.body);
    assert.deepEqual(claim.json().items, [
      { product_id: 1, quantity: 1 },
      { product_id: 2, quantity: 4 },
    ]);
    assert.equal(add.statusCode, 409, add.body);
    const cart = (await call('GET', `/${sessionId}`)).json();
    assert.deepEqual([cart.status, cart.items], ['checking_out', claim.json().items]);
  } finally {
    holder.release();
  }
});

test('an add queued before the claim lands in it; a complete queued behind both empties exactly that', async () => {
  const sessionId = uniqueId('cart');
  await call('POST', '/', { user_id: 'shopper', session_id: sessionId });
  await call('POST', `/${sessionId}/items`, { product_id: 1, quantity: 1 }, key());

  const holder = await holdingTheLock(sessionId);
  try {
    const early = call('POST', `/${sessionId}/items`, { product_id: 2, quantity: 2 }, key());
    await untilWaiting(1);
    const claimed = call('POST', `/${sessionId}/checkout-claims`, claimBody, key());
    await untilWaiting(2);
    const completed = call('POST', `/${sessionId}/checkout-claims/claim-1/complete`, {}, key());
    await untilWaiting(3);
    await holder.query('commit');
    const [add, claim, firstComplete] = await Promise.all([early, claimed, completed]);
    assert.equal(add.statusCode, 200, add.body);
    assert.equal(claim.statusCode, 201, claim.body);
    assert.deepEqual(claim.json().items, add.json().items);
    // PostgreSQL queues the waiters of one row in order, but the add writes the cart's row: the claim and the complete
    // then both follow it to its new version, and on a loaded machine the complete may get there first. It then finds
    // no claim yet (404, changing nothing), and its retry (as the saga's) completes what was claimed.
    const complete =
      firstComplete.statusCode === 404
        ? await call('POST', `/${sessionId}/checkout-claims/claim-1/complete`, {}, key())
        : firstComplete;
    assert.deepEqual([complete.statusCode, complete.json().items], [200, claim.json().items]);
    const cart = (await call('GET', `/${sessionId}`)).json();
    assert.deepEqual([cart.status, cart.items], ['open', []]);
  } finally {
    holder.release();
  }
});

test('a claim that gives up waiting for the lock (503) leaves neither claim nor key: its retry takes the cart', async () => {
  const sessionId = uniqueId('cart');
  await call('POST', '/', { user_id: 'shopper', session_id: sessionId });
  await call('POST', `/${sessionId}/items`, { product_id: 1, quantity: 1 }, key());
  const sameKey = key();

  const holder = await holdingTheLock(sessionId);
  try {
    // The holder keeps the lock past the service's lock timeout.
    const refused = await call('POST', `/${sessionId}/checkout-claims`, claimBody, sameKey);
    assert.equal(refused.statusCode, 503, refused.body);
  } finally {
    await holder.query('rollback');
    holder.release();
  }
  const { rows } = await connection.pool.query('select 1 from session.checkout_claims where session_id = $1', [
    sessionId,
  ]);
  assert.equal(rows.length, 0);
  const retried = await call('POST', `/${sessionId}/checkout-claims`, claimBody, sameKey);
  assert.equal(retried.statusCode, 201, retried.body);
});

test('a late retry of a finished claim with a new key gets the finished claim back and claims nothing anew', async () => {
  for (const step of ['release', 'complete'] as const) {
    const sessionId = uniqueId('cart');
    await call('POST', '/', { user_id: 'shopper', session_id: sessionId });
    await call('POST', `/${sessionId}/items`, { product_id: 1, quantity: 1 }, key());
    assert.equal((await call('POST', `/${sessionId}/checkout-claims`, claimBody, key())).statusCode, 201);
    assert.equal((await call('POST', `/${sessionId}/checkout-claims/claim-1/${step}`, {}, key())).statusCode, 200);
    await call('POST', `/${sessionId}/items`, { product_id: 2, quantity: 1 }, key());

    const retried = await call('POST', `/${sessionId}/checkout-claims`, claimBody, key());
    assert.deepEqual(
      [retried.statusCode, retried.json().status, retried.json().items],
      [200, step === 'release' ? 'released' : 'completed', [{ product_id: 1, quantity: 1 }]],
    );
    const cart = (await call('GET', `/${sessionId}`)).json();
    const kept = step === 'release' ? [{ product_id: 1, quantity: 1 }] : [];
    assert.deepEqual([cart.status, cart.items], ['open', [...kept, { product_id: 2, quantity: 1 }]]);
    // Finishing it again changes nothing either: the items added since stay.
    assert.equal((await call('POST', `/${sessionId}/checkout-claims/claim-1/${step}`, {}, key())).statusCode, 200);
    assert.deepEqual((await call('GET', `/${sessionId}`)).json().items, cart.items);
  }
});

test('adds of one product queued at the lock together keep the line maximum: one goes through, the other is a 409', async () => {
  const sessionId = uniqueId('cart');
  await call('POST', '/', { user_id: 'shopper', session_id: sessionId });
  const holder = await holdingTheLock(sessionId);
  try {
    const adds = [0, 1].map(() => call('POST', `/${sessionId}/items`, { product_id: 7, quantity: 600_000 }, key()));
    await untilWaiting(2);
    await holder.query('commit');
    const answers = await Promise.all(adds);
    assert.deepEqual(answers.map((answer) => answer.statusCode).sort(), [200, 409]);
  } finally {
    holder.release();
  }
  assert.deepEqual((await call('GET', `/${sessionId}`)).json().items, [{ product_id: 7, quantity: 600_000 }]);
});

test('a claim released and an item added while another claim waited for the lock: it takes the reopened cart, item and all', async () => {
  const sessionId = uniqueId('cart');
  await call('POST', '/', { user_id: 'shopper', session_id: sessionId });
  await call('POST', `/${sessionId}/items`, { product_id: 1, quantity: 1 }, key());
  assert.equal((await call('POST', `/${sessionId}/checkout-claims`, claimBody, key())).statusCode, 201);

  const holder = await holdingTheLock(sessionId);
  try {
    const claimed = call('POST', `/${sessionId}/checkout-claims`, { ...claimBody, claim_id: 'claim-2' }, key());
    await untilWaiting(1);
    // claim-1 released, as a release would, and an item added, committed after the new claim's wait began.
    await holder.query('insert into session.cart_items (session_id, product_id, quantity) values ($1, 2, 3)', [
      sessionId,
    ]);
    await holder.query(
      "update session.checkout_claims set status = 'released' where session_id = $1 and claim_id = 'claim-1'",
      [sessionId],
    );
    await holder.query('update session.carts set active_claim_id = null where session_id = $1', [sessionId]);
    await holder.query('commit');
    const claim = await claimed;
    assert.deepEqual(
      [claim.statusCode, claim.json().items],
      [
        201,
        [
          { product_id: 1, quantity: 1 },
          { product_id: 2, quantity: 3 },
        ],
      ],
      claim.body,
    );
  } finally {
    holder.release();
  }
});

test('a complete and a release queued while their claim was being made find it: the claim is moved, not missed', async () => {
  for (const step of ['complete', 'release'] as const) {
    const sessionId = uniqueId('cart');
    await call('POST', '/', { user_id: 'shopper', session_id: sessionId });
    await call('POST', `/${sessionId}/items`, { product_id: 1, quantity: 1 }, key());

    const holder = await holdingTheLock(sessionId);
    try {
      const finished = call('POST', `/${sessionId}/checkout-claims/claim-1/${step}`, {}, key());
      await untilWaiting(1);
      // claim-1 made, as a claim would, committed after the step's wait began.
      await holder.query(
        `insert into session.checkout_claims (session_id, claim_id, status, items)
         values ($1, 'claim-1', 'active', '[{"product_id": 1, "quantity": 1}]')`,
        [sessionId],
      );
      await holder.query("update session.carts set active_claim_id = 'claim-1' where session_id = $1", [sessionId]);
      await holder.query('commit');
      const answer = await finished;
      const status = step === 'complete' ? 'completed' : 'released';
      assert.deepEqual([answer.statusCode, answer.json().status], [200, status], answer.body);
    } finally {
      holder.release();
    }
    const cart = (await call('GET', `/${sessionId}`)).json();
    assert.deepEqual([cart.status, cart.items], ['open', step === 'complete' ? [] : [{ product_id: 1, quantity: 1 }]]);
  }
});

test('steps on a cart that does not exist are 404s naming the session, write nothing, and replay the same', async () => {
  const sessionId = uniqueId('ghost');
  for (const [url, body] of [
    [`/${sessionId}/checkout-claims`, claimBody],
    [`/${sessionId}/checkout-claims/claim-1/release`, {}],
    [`/${sessionId}/checkout-claims/claim-1/complete`, {}],
  ] as const) {
    const sameKey = key();
    const first = await call('POST', url, body, sameKey);
    const again = await call('POST', url, body, sameKey);
    assert.deepEqual(
      [first.statusCode, first.json().code, first.json().message],
      [404, 'NOT_FOUND', `Session "${sessionId}" not found`],
      url,
    );
    assert.deepEqual(
      [again.statusCode, again.json(), again.headers['idempotent-replayed']],
      [404, first.json(), 'true'],
    );
  }
  const { rows } = await connection.pool.query('select 1 from session.checkout_claims where session_id = $1', [
    sessionId,
  ]);
  assert.equal(rows.length, 0);
});
