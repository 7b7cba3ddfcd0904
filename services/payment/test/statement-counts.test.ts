import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { internalHeaders, roundTripsDuring, useTestService } from '@ecomm/testing';
import { paymentService } from '../src/service.js';
import { charge } from './helpers.js';

// Each statement is a round trip that wakes PostgreSQL and this process. The charge claims and answers its key in
// transactions of their own (it waits on the gateway): the claim carries the read of what would stop it, then the
// record.
const app = useTestService(paymentService);
const prune = /^delete from \S*"idempotency_keys" where/;

test('a charge: key with the void-or-capture check, the record under the order lock, the answer', async () => {
  const headers = { ...internalHeaders, 'idempotency-key': randomUUID() };
  const payload = { order_id: randomUUID(), amount: 12.5 };
  const { result, roundTrips } = await roundTripsDuring(
    'payment',
    () => app.inject({ method: 'POST', url: '/', headers, payload }),
    prune,
  );
  assert.equal(result.statusCode, 201, result.body);
  // Key and check (one statement: 4 when they were two), the record (order lock, unless voided, insert: one statement,
  // its own transaction), answer.
  assert.equal(roundTrips, 3);
});

test('a void of a charged order, with its key, and the saga’s look-up of an order’s payments', async () => {
  const orderId = randomUUID();
  const charged = await charge(app, orderId, 9);
  assert.equal(charged.statusCode, 201, charged.body);
  const voided = await roundTripsDuring(
    'payment',
    () =>
      app.inject({
        method: 'POST',
        url: `/orders/${orderId}/void`,
        headers: { ...internalHeaders, 'idempotency-key': randomUUID() },
      }),
    prune,
  );
  assert.equal(voided.result.statusCode, 200, voided.result.body);
  // BEGIN and the key with the order lock, fence, the capture locked, its refund, its new status, the answer's read,
  // answer with COMMIT: the void joins the request's transaction (no savepoint), the payments come with their refunds
  // in one read.
  assert.equal(voided.roundTrips, 7);
  const listed = await roundTripsDuring(
    'payment',
    () => app.inject({ method: 'GET', url: `/?order_id=${orderId}`, headers: internalHeaders }),
    prune,
  );
  assert.equal(listed.result.json().items[0].status, 'refunded');
  assert.equal(listed.roundTrips, 1);
});
