import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { errorCodes, paymentSchema } from '@ecomm/contracts';
import { useAdminDatabase, useTestDatabase, useTestService } from '@ecomm/testing';
import { paymentService } from '../src/service.js';
import { charge, holdOrderLock, paymentsOf, voidOrder, waitersOnLock } from './helpers.js';

// A charge is recorded under its order's lock, which a void takes too: whichever comes second sees the first. These
// tests line requests up on that lock (held from another connection) to check what each sees, whatever the order.
const database = useTestDatabase();
const app = useTestService(paymentService, { database });
const admin = useAdminDatabase(database, { preparedStatements: false });

const keyedCharge = (orderId: string) => charge(app, orderId, 30, { 'idempotency-key': randomUUID() });

test('a void that commits while the charge waits for the order’s lock refuses the charge, which records nothing', async () => {
  const orderId = randomUUID();
  const release = await holdOrderLock(admin, orderId);
  let voided, charged;
  try {
    voided = voidOrder(app, orderId);
    await waitersOnLock(admin, 1, voided);
    // The charge passes its up-front check (the void has not committed) and queues for the lock behind the void.
    charged = keyedCharge(orderId);
    await waitersOnLock(admin, 2, charged);
  } finally {
    await release();
  }
  const response = await charged;
  assert.equal(response.statusCode, 409, response.body);
  assert.equal(response.json().code, errorCodes.ORDER_VOIDED);
  assert.deepEqual(await paymentsOf(app, orderId), []);
  assert.deepEqual((await voided).json(), { items: [] });
});

test('an order id spelled in capitals takes the same lock, for a charge and for a void', async () => {
  const orderId = randomUUID();
  const requests = [
    { send: () => keyedCharge(orderId.toUpperCase()), status: 201 },
    { send: () => voidOrder(app, orderId.toUpperCase()), status: 200 },
  ];
  for (const { send, status } of requests) {
    const release = await holdOrderLock(admin, orderId);
    let answer;
    try {
      answer = send();
      await waitersOnLock(admin, 1, answer);
    } finally {
      await release();
    }
    const response = await answer;
    assert.equal(response.statusCode, status, response.body);
  }
  assert.deepEqual(
    (await paymentsOf(app, orderId)).map((payment) => payment.status),
    ['refunded'],
  );
});

test('charges and voids of many orders at once: a capture answered is refunded by its void, a refusal records nothing', async () => {
  const orderIds = Array.from({ length: 30 }, () => randomUUID());
  // No gateway latency, one order at a time: voids sent 0 to 5 ms after their charge land before, around and after
  // its recording.
  const answers = [];
  for (const [index, orderId] of orderIds.entries()) {
    const [charged, voided] = await Promise.all([
      keyedCharge(orderId),
      sleep(index % 6).then(() => voidOrder(app, orderId)),
    ]);
    answers.push({ charged, voided });
  }
  for (const [index, { charged, voided }] of answers.entries()) {
    const orderId = orderIds[index]!;
    assert.equal(voided.statusCode, 200, voided.body);
    const listed = await paymentsOf(app, orderId);
    if (charged.statusCode === 201) {
      const payment = paymentSchema.parse(charged.json());
      assert.deepEqual(
        listed.map((each) => [each.transaction_id, each.status]),
        [[payment.transaction_id, 'refunded']],
      );
    } else {
      assert.equal(charged.statusCode, 409, charged.body);
      assert.equal(charged.json().code, errorCodes.ORDER_VOIDED);
      assert.deepEqual(listed, []);
    }
  }
});
