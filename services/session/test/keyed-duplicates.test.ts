import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type caller, uniqueId, useSessionWithConnection } from './helpers.js';

// A keyed request's claim travels with its handler's first statement: duplicates of real session routes
// (same key, same body) racing each other, with no lock timeout and with a short one.
const patient = useSessionWithConnection({ DATABASE_LOCK_TIMEOUT_MS: '0' });
const hasty = useSessionWithConnection({ DATABASE_LOCK_TIMEOUT_MS: '50', DATABASE_POOL_MAX: '3' });

type Call = ReturnType<typeof caller>;

async function quantities(session: typeof patient, sessionId: string) {
  const { rows } = await session.connection.pool.query<{ product_id: number; quantity: number }>(
    'select product_id, quantity from session.cart_items where session_id = $1 order by product_id',
    [sessionId],
  );
  return rows.map((row) => [row.product_id, row.quantity]);
}

async function race(
  call: Call,
  count: number,
  method: 'POST' | 'PUT' | 'DELETE',
  url: string,
  body: object,
  key: string,
) {
  return Promise.all(Array.from({ length: count }, () => call(method, url, body, { 'idempotency-key': key })));
}

for (const [name, session, allowBusy] of [
  ['no lock timeout', patient, false],
  ['a 50 ms lock timeout', hasty, true],
] as const) {
  test(`${name}: duplicate adds of one item act once; each is answered with the first answer or a 409`, async () => {
    const sessionId = uniqueId('dup');
    assert.equal((await session.call('POST', '/', { user_id: 'shopper', session_id: sessionId })).statusCode, 201);
    for (let round = 0; round < 5; round++) {
      const key = uniqueId('add');
      const answers = await race(session.call, 8, 'POST', `/${sessionId}/items`, { product_id: 7, quantity: 1 }, key);
      const fresh = answers.filter((answer) => answer.statusCode === 200 && !answer.headers['idempotent-replayed']);
      const replayed = answers.filter((answer) => answer.headers['idempotent-replayed'] === 'true');
      const busy = answers.filter((answer) => answer.statusCode === 409);
      assert.equal(fresh.length, 1, answers.map((answer) => `${answer.statusCode} ${answer.body}`).join('\n'));
      assert.equal(
        fresh.length + replayed.length + busy.length,
        8,
        answers.map((a) => `${a.statusCode} ${a.body}`).join('\n'),
      );
      if (!allowBusy) assert.equal(busy.length, 0);
      for (const answer of busy) assert.equal(answer.json().code, 'IDEMPOTENCY_IN_PROGRESS');
      for (const answer of replayed) {
        assert.equal(answer.statusCode, fresh[0]!.statusCode);
        assert.equal(answer.body, fresh[0]!.body);
      }
      assert.deepEqual(await quantities(session, sessionId), [[7, round + 1]]);
    }
  });

  test(`${name}: duplicate checkout claims act once, replayed 201; the same key for another claim is 422`, async () => {
    const sessionId = uniqueId('claim');
    assert.equal((await session.call('POST', '/', { user_id: 'shopper', session_id: sessionId })).statusCode, 201);
    await session.call('POST', `/${sessionId}/items`, { product_id: 5, quantity: 2 });
    const key = uniqueId('claim-key');
    const claim = { claim_id: uniqueId('c'), user_id: 'shopper' };
    const answers = await race(session.call, 8, 'POST', `/${sessionId}/checkout-claims`, claim, key);
    const statuses = answers.map((answer) => `${answer.statusCode} ${answer.headers['idempotent-replayed'] ?? ''}`);
    const fresh = answers.filter((answer) => !answer.headers['idempotent-replayed'] && answer.statusCode !== 409);
    assert.equal(fresh.length, 1, statuses.join(', '));
    assert.equal(fresh[0]!.statusCode, 201, fresh[0]!.body);
    for (const answer of answers) {
      if (answer.statusCode === 409) {
        assert.ok(allowBusy, answer.body);
        assert.equal(answer.json().code, 'IDEMPOTENCY_IN_PROGRESS');
      } else assert.equal(answer.body, fresh[0]!.body);
      assert.notEqual(answer.statusCode, 500);
    }
    const again = await session.call('POST', `/${sessionId}/checkout-claims`, claim, { 'idempotency-key': key });
    assert.equal(again.statusCode, 201);
    assert.equal(again.headers['idempotent-replayed'], 'true');
    const other = { claim_id: uniqueId('c'), user_id: 'shopper' };
    const reused = await session.call('POST', `/${sessionId}/checkout-claims`, other, { 'idempotency-key': key });
    assert.equal(reused.statusCode, 422, reused.body);
  });

  test(`${name}: the same key for different bodies at once: one acts, the rest 422 (or 409), never two effects`, async () => {
    const sessionId = uniqueId('mixed');
    assert.equal((await session.call('POST', '/', { user_id: 'shopper', session_id: sessionId })).statusCode, 201);
    const key = uniqueId('mixed-key');
    const answers = await Promise.all(
      [11, 12, 13, 14, 15, 16].map((productId) =>
        session.call('POST', `/${sessionId}/items`, { product_id: productId, quantity: 1 }, { 'idempotency-key': key }),
      ),
    );
    const statuses = answers.map((answer) => answer.statusCode).sort();
    assert.equal(statuses.filter((status) => status === 200).length, 1, statuses.join(','));
    for (const status of statuses) assert.ok([200, 409, 422].includes(status), statuses.join(','));
    assert.equal((await quantities(session, sessionId)).length, 1);
  });
}

test("a keyed change whose own statement gives up on the cart's lock is a 503 SERVICE_BUSY, not a 409; nothing kept", async () => {
  const sessionId = uniqueId('locked');
  assert.equal((await hasty.call('POST', '/', { user_id: 'shopper', session_id: sessionId })).statusCode, 201);
  const holder = await hasty.holdingTheLock(sessionId);
  const key = uniqueId('locked-key');
  try {
    const busy = await hasty.call(
      'POST',
      `/${sessionId}/items`,
      { product_id: 4, quantity: 1 },
      { 'idempotency-key': key },
    );
    assert.equal(busy.statusCode, 503, busy.body);
    assert.equal(busy.json().code, 'SERVICE_BUSY');
  } finally {
    await holder.query('rollback');
    holder.release();
  }
  const { rows } = await hasty.connection.pool.query(
    'select count(*)::int as count from session.idempotency_keys where key = $1',
    [key],
  );
  assert.equal(rows[0].count, 0);
  const retried = await hasty.call(
    'POST',
    `/${sessionId}/items`,
    { product_id: 4, quantity: 1 },
    { 'idempotency-key': key },
  );
  assert.equal(retried.statusCode, 200, retried.body);
  assert.equal(retried.headers['idempotent-replayed'], undefined);
  assert.deepEqual(await quantities(hasty, sessionId), [[4, 1]]);
});

test('racing duplicates of a keyed claim complete: one answer, replayed (or 409 in flight), never a 500', async () => {
  const call = hasty.call;
  const sessionId = uniqueId('complete');
  assert.equal((await call('POST', '/', { user_id: 'shopper', session_id: sessionId })).statusCode, 201);
  await call('POST', `/${sessionId}/items`, { product_id: 5, quantity: 2 });
  const claimId = uniqueId('c');
  assert.equal(
    (await call('POST', `/${sessionId}/checkout-claims`, { claim_id: claimId, user_id: 'shopper' })).statusCode,
    201,
  );
  const key = uniqueId('complete-key');
  const answers = await Promise.all(
    Array.from({ length: 8 }, () =>
      call('POST', `/${sessionId}/checkout-claims/${claimId}/complete`, {}, { 'idempotency-key': key }),
    ),
  );
  const described = answers
    .map((answer) => `${answer.statusCode} ${answer.headers['idempotent-replayed'] ?? '-'} ${answer.body}`)
    .join('\n');
  const fresh = answers.filter((answer) => answer.statusCode !== 409 && !answer.headers['idempotent-replayed']);
  assert.equal(fresh.length, 1, described);
  assert.ok(fresh[0]!.statusCode < 300, described);
  for (const answer of answers) {
    assert.notEqual(answer.statusCode, 500, described);
    if (answer.statusCode === 409) assert.equal(answer.json().code, 'IDEMPOTENCY_IN_PROGRESS', described);
    else assert.equal(answer.body, fresh[0]!.body, described);
  }
});
