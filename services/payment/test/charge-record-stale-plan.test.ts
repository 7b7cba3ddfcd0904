import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { createDatabase } from '@ecomm/platform';
import { internalHeaders, useTestDatabase, useTestFixture, useTestService } from '@ecomm/testing';
import { paymentService } from '../src/service.js';

// A migration another replica runs may change the type of a column the charge's statements return; PostgreSQL then
// refuses a statement prepared before it, once per connection (one connection here, so every call uses it), and the
// caller is told to retry (503). That is right before the gateway, where nothing happened; after it, a 503 would tell
// the caller that nothing changed (and free its key) while money was taken. The recording calls `record_charge`,
// whose prepared plan does not go stale with the table: the charge is recorded.
const database = useTestDatabase();
const app = useTestService(paymentService, { database, environment: { DATABASE_POOL_MAX: '1' } });
const admin = useTestFixture(
  async () => createDatabase({ url: database.adminUrl }),
  (opened) => opened.close(),
  database,
);

const charge = (orderId: string) =>
  app.inject({
    method: 'POST',
    url: '/',
    headers: { ...internalHeaders, 'idempotency-key': `charge-${orderId}` },
    payload: { order_id: orderId, amount: 25 },
  });

test('a charge the gateway made is recorded even when its statement went stale under a migration', async () => {
  assert.equal((await charge(randomUUID())).statusCode, 201, 'the statements prepared on the connection');
  await admin.pool.query('alter table payment.payments alter column currency type varchar(3)');

  const orderId = randomUUID();
  const beforeTheGateway = await charge(orderId);
  assert.equal(beforeTheGateway.statusCode, 503, beforeTheGateway.body);
  const retried = await charge(orderId);
  assert.equal(retried.statusCode, 201, `after the gateway charged: ${retried.body}`);
  assert.equal(retried.json().status, 'captured');
  const { rows } = await admin.pool.query('select count(*)::int as count from payment.payments where order_id = $1', [
    orderId,
  ]);
  assert.equal(rows[0].count, 1);
});
