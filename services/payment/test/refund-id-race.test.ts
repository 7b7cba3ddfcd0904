import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { paymentSchema } from '@ecomm/contracts';
import { internalHeaders, useTestDatabase, useTestService } from '@ecomm/testing';
import { paymentService } from '../src/service.js';
import { charge } from './helpers.js';

// A refund joins a keyed request's transaction without a savepoint. One refund id sent for two payments at once, each
// under its own payment's lock: one is made, the other must be refused (a 4xx a caller can act on), never a 500.
const database = useTestDatabase();
const app = useTestService(paymentService, { database });

async function capture() {
  const response = await charge(app, randomUUID());
  return paymentSchema.parse(response.json()).transaction_id;
}

test('one refund id for two payments at once: one refund made, the other refused with a 409, keyed or not', async () => {
  for (const keyed of [false, true]) {
    const [first, second] = [await capture(), await capture()];
    const refundId = `refund-${randomUUID()}`;
    const refund = (transactionId: string) =>
      app.inject({
        method: 'POST',
        url: `/${transactionId}/refunds`,
        headers: { ...internalHeaders, ...(keyed ? { 'idempotency-key': randomUUID() } : {}) },
        payload: { refund_id: refundId, amount: 10 },
      });
    const answers = await Promise.all([refund(first), refund(second)]);
    const statuses = answers.map((answer) => answer.statusCode).sort();
    assert.deepEqual(statuses, [201, 409], answers.map((answer) => answer.body).join(' | '));
  }
});

test("a caller's refund id cannot take the id of a void's refund: the void still refunds what is left", async () => {
  const orderId = randomUUID();
  const captured = await charge(app, orderId);
  const transactionId = paymentSchema.parse(captured.json()).transaction_id;
  const squatting = await app.inject({
    method: 'POST',
    url: `/${transactionId}/refunds`,
    headers: internalHeaders,
    payload: { refund_id: `void-${transactionId}`, amount: 10 },
  });
  assert.equal(squatting.statusCode, 201, squatting.body);
  const voided = await app.inject({ method: 'POST', url: `/orders/${orderId}/void`, headers: internalHeaders });
  assert.equal(voided.statusCode, 200, voided.body);
  const [payment] = voided.json().items as { status: string; refunded_amount: number }[];
  assert.deepEqual([payment?.status, payment?.refunded_amount], ['refunded', 30]);
});
