import assert from 'node:assert/strict';
import { test } from 'node:test';
import { uniqueId, useSessionWithConnection } from './helpers.js';

// A migration that another replica runs while this one serves may change the type of a column that a statement
// prepared on a live connection returns; PostgreSQL then refuses that statement once on that connection (the pool of
// one makes it the connection every call uses). The caller is told to retry, as for a lock timeout, not given a 500.
const { connection, call } = useSessionWithConnection({ DATABASE_POOL_MAX: '1' });

function assertRetryLater(response: Awaited<ReturnType<typeof call>>) {
  assert.equal(response.statusCode, 503, response.body);
  assert.equal(response.json().code, 'SERVICE_BUSY');
  assert.equal(response.headers['retry-after'], '1');
  assert.doesNotMatch(response.body, /cached plan|result type|0A000/);
}

test('a read whose prepared statement went stale under a migration is a 503 to retry, then answers again', async () => {
  const sessionId = uniqueId('cart');
  await call('POST', '/', { user_id: 'shopper', session_id: sessionId });
  assert.equal((await call('GET', `/${sessionId}`)).statusCode, 200);
  await connection.pool.query('alter table session.carts alter column user_id type varchar(200)');
  assertRetryLater(await call('GET', `/${sessionId}`));
  const again = await call('GET', `/${sessionId}`);
  assert.equal(again.statusCode, 200, again.body);
  assert.equal(again.json().user_id, 'shopper');
});
