import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { errorCodes, paymentListSchema } from '@ecomm/contracts';
import { internalHeaders, useTestDatabase, useTestService } from '@ecomm/testing';
import { paymentService } from '../src/service.js';

// The payment service answers idempotent writes in one transaction, the charge excepted: a capture is recorded (and
// committed) before the charge answers, so nothing that fails after it, in the same request, can undo the record of
// money taken. A `timeout` simulation records the capture, then answers late.
const database = useTestDatabase();
const app = useTestService(paymentService, {
  database,
  environment: { PAYMENT_SIMULATION: 'true', PAYMENT_SIMULATED_DELAY_MS: '3000' },
});

const charge = (orderId: string, key: string, simulate?: string) =>
  app.inject({
    method: 'POST',
    url: '/',
    headers: { ...internalHeaders, 'idempotency-key': key, ...(simulate ? { 'x-payment-simulate': simulate } : {}) },
    payload: { order_id: orderId, amount: 25 },
  });

async function paymentsOf(orderId: string) {
  const response = await app.inject({ method: 'GET', url: `/?order_id=${orderId}`, headers: internalHeaders });
  return paymentListSchema.parse(response.json()).items;
}

test('a charge’s capture is committed before it answers, and a duplicate meanwhile is told it is in progress', async () => {
  const orderId = randomUUID();
  const key = `charge-${orderId}`;
  const first = charge(orderId, key, 'timeout');
  let recorded = await paymentsOf(orderId);
  for (let tries = 0; tries < 200 && recorded.length === 0; tries++) {
    await sleep(25);
    recorded = await paymentsOf(orderId);
  }
  assert.deepEqual(
    recorded.map((payment) => payment.status),
    ['captured'],
  );
  const duplicate = await charge(orderId, key);
  assert.equal(duplicate.statusCode, 409);
  assert.equal(duplicate.json().code, errorCodes.IDEMPOTENCY_IN_PROGRESS);

  const answered = await first;
  assert.equal(answered.statusCode, 201);
  const replayed = await charge(orderId, key);
  assert.equal(replayed.headers['idempotent-replayed'], 'true');
  assert.equal(replayed.body, answered.body);
  assert.equal((await paymentsOf(orderId)).length, 1);
});
