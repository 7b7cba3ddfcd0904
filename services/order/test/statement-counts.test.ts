import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { internalHeaders, roundTripsDuring, useTestService } from '@ecomm/testing';
import { orderService } from '../src/service.js';

// Each statement is a round trip that wakes PostgreSQL and this process: the checkout's order requests send two with
// their key (BEGIN and the key's claim with the work, the answer with COMMIT), as many for three lines as for one.
// Were three before the claim travelled with the work.
const app = useTestService(orderService);
const prune = /^delete from \S*"idempotency_keys" where/;

async function roundTrips(method: 'POST', url: string, payload: object, expectedStatus: number) {
  const headers = { ...internalHeaders, 'idempotency-key': randomUUID() };
  const { result, roundTrips: sent } = await roundTripsDuring(
    'order',
    () => app.inject({ method, url, headers, payload }),
    prune,
  );
  assert.equal(result.statusCode, expectedStatus, result.body);
  return sent;
}

test('creating and confirming an order: one statement of work each, whatever the number of lines', async () => {
  for (const count of [1, 3]) {
    const orderId = randomUUID();
    const lines = Array.from({ length: count }, (_, index) => ({
      product_id: index + 1,
      name: `Line ${index + 1}`,
      unit_price: 2.5,
      quantity: index + 1,
    }));
    const order = { order_id: orderId, user_id: 'counted', session_id: 'counted-cart', lines };
    assert.equal(await roundTrips('POST', '/', order, 201), 2, `create with ${count} lines`);
    const confirm = { transaction_id: randomUUID() };
    assert.equal(await roundTrips('POST', `/${orderId}/confirm`, confirm, 200), 2, `confirm with ${count} lines`);
  }
});
