import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createDatabase } from '@ecomm/platform';
import { internalHeaders, useTestDatabase, useTestService } from '@ecomm/testing';
import { paymentService } from '../src/service.js';

// Statements give up waiting for a lock after DATABASE_LOCK_TIMEOUT_MS, answering 503 "Nothing was changed". Not the
// recording of a charge the gateway has already made: giving up there would leave money taken and nothing recorded.
const database = useTestDatabase();
const app = useTestService(paymentService, { database, environment: { DATABASE_LOCK_TIMEOUT_MS: '200' } });

test('a charge made at the gateway waits past the lock timeout to be recorded, never answering "Nothing was changed"', async () => {
  const orderId = randomUUID();
  const other = createDatabase({ url: database.adminUrl });
  const holder = await other.pool.connect();
  try {
    // Another request holds the order (a void, say) for longer than the lock timeout.
    await holder.query('begin');
    await holder.query('select pg_advisory_xact_lock(hashtext($1))', [`payment-order:${orderId}`]);
    const charged = app.inject({
      method: 'POST',
      url: '/',
      headers: { ...internalHeaders, 'idempotency-key': `charge-${orderId}` },
      payload: { order_id: orderId, amount: 25 },
    });
    await sleep(800);
    await holder.query('rollback');
    const response = await charged;
    assert.equal(response.statusCode, 201, response.body);
    assert.equal(response.json().status, 'captured');
  } finally {
    holder.release();
    await other.close();
  }
});
