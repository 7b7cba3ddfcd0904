import assert from 'node:assert/strict';
import { test } from 'node:test';
import { uniqueId, useSessionWithConnection } from './helpers.js';

// The key's claim and its stored answer are written into their statements' text as quoted constants (claimKey,
// storeAnswerWithCommit): keys that are hard to quote must be stored, replayed and told apart exactly.
const { connection, call } = useSessionWithConnection();
const awkwardKeys = [
  "it's",
  'back\\slash',
  "';delete/**/from/**/session.idempotency_keys;--",
  '$1',
  '/*',
  "E'x'",
  "\\'",
];

test('awkward keys are claimed, answered once, replayed and told apart exactly', async () => {
  const sessionId = uniqueId('cart');
  await call('POST', '/', { user_id: 'shopper', session_id: sessionId });
  for (const [index, given] of awkwardKeys.entries()) {
    const headers = { 'idempotency-key': `${given}${index}` };
    const add = () => call('POST', `/${sessionId}/items`, { product_id: 5, quantity: 1 }, headers);
    // Two at once with the same key: one does the work, the other replays its answer.
    const [first, second] = await Promise.all([add(), add()]);
    assert.equal(first.statusCode, 200, first.body);
    assert.equal(second.body, first.body);
    const replayed = await add();
    assert.equal(replayed.body, first.body);
    assert.equal(replayed.json().items[0].quantity, index + 1);
    const other = await call('POST', `/${sessionId}/items`, { product_id: 5, quantity: 2 }, headers);
    assert.equal(other.statusCode, 422, other.body);
  }
  const { rows } = await connection.pool.query<{ key: string; state: string }>(
    'select key, state from session.idempotency_keys where key = any($1) order by key',
    [awkwardKeys.map((given, index) => `${given}${index}`)],
  );
  assert.deepEqual(
    rows.map((row) => [row.key, row.state]),
    awkwardKeys.map((given, index) => [`${given}${index}`, 'completed']).sort(([a], [b]) => (a! < b! ? -1 : 1)),
  );
});
