import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createClaimRepository } from '../src/checkout-claims/claim-repository.js';
import { uniqueId, useSessionWithConnection } from './helpers.js';

const { connection, call } = useSessionWithConnection();

/** A cart with one claim, taken to `finish` (or left active), its timestamps set `ageHours` back. */
async function claimAged(finish: 'release' | 'complete' | undefined, ageHours: number) {
  const sessionId = uniqueId('cart');
  await call('POST', '/', { user_id: 'shopper', session_id: sessionId });
  await call('POST', `/${sessionId}/items`, { product_id: 1, quantity: 1 });
  assert.equal(
    (await call('POST', `/${sessionId}/checkout-claims`, { claim_id: 'claim', user_id: 'shopper' })).statusCode,
    201,
  );
  if (finish) assert.equal((await call('POST', `/${sessionId}/checkout-claims/claim/${finish}`)).statusCode, 200);
  await connection.pool.query(
    `update session.checkout_claims set created_at = now() - make_interval(hours => $2), updated_at = now() - make_interval(hours => $2)
     where session_id = $1`,
    [sessionId, ageHours],
  );
  return sessionId;
}

const exists = async (sessionId: string) =>
  (await call('GET', `/${sessionId}/checkout-claims/claim`)).statusCode === 200;

test('released and completed claims past the retention are pruned; active and recent ones stay', async () => {
  const oldReleased = await claimAged('release', 800);
  const oldCompleted = await claimAged('complete', 800);
  const oldActive = await claimAged(undefined, 800);
  const recentReleased = await claimAged('release', 2);

  const pruned = await createClaimRepository(connection.db).pruneFinished(720);

  assert.equal(pruned, 2);
  assert.equal(await exists(oldReleased), false, 'an old released claim is pruned');
  assert.equal(await exists(oldCompleted), false, 'an old completed claim is pruned');
  assert.equal(await exists(oldActive), true, 'an active claim is never pruned, however old');
  assert.equal(await exists(recentReleased), true, 'a recently released claim is kept');
});
