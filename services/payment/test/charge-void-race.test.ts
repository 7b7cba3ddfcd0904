import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { errorCodes, paymentListSchema, paymentSchema } from '@ecomm/contracts';
import { createDatabase } from '@ecomm/platform';
import { internalHeaders, useTestDatabase, useTestFixture, useTestService } from '@ecomm/testing';
import { paymentService } from '../src/service.js';
import { charge } from './helpers.js';

// A charge is recorded under its order's lock, which a void takes too: whichever comes second sees the first. These
// tests line requests up on that lock (held from another connection) to check what each sees, whatever the order.
const database = useTestDatabase();
const app = useTestService(paymentService, { database });
const admin = useTestFixture(
  async () => createDatabase({ url: database.adminUrl, preparedStatements: false }),
  (connection) => connection.close(),
  database,
);

const keyedCharge = (orderId: string) => charge(app, orderId, 30, { 'idempotency-key': randomUUID() });
const voidOrder = (orderId: string) =>
  app.inject({ method: 'POST', url: `/orders/${orderId}/void`, headers: internalHeaders });

async function paymentsOf(orderId: string) {
  const response = await app.inject({ method: 'GET', url: `/?order_id=${orderId}`, headers: internalHeaders });
  return paymentListSchema.parse(response.json()).items;
}

/** Holds the order's lock from another connection until `release` is called. */
async function holdOrderLock(orderId: string) {
  const holder = await admin.pool.connect();
  await holder.query('begin');
  await holder.query('select pg_advisory_xact_lock(hashtext($1))', [`payment-order:${orderId}`]);
  return async () => {
    await holder.query('rollback');
    holder.release();
  };
}

/** Waits until `count` requests wait for an advisory lock; fails if `request` is answered first (it did not wait). */
async function waitersOnLock(count: number, request: Promise<unknown>) {
  let answered = false;
  void request.finally(() => (answered = true));
  for (;;) {
    const { rows } = await admin.pool.query<{ waiting: number }>(
      `select count(*)::int as waiting from pg_stat_activity
       where datname = current_database() and wait_event_type = 'Lock' and wait_event = 'advisory'`,
    );
    if ((rows[0]?.waiting ?? 0) >= count) return;
    assert.ok(!answered, 'the request was answered without waiting for the order’s lock');
    await sleep(20);
  }
}

test('a void that commits while the charge waits for the order’s lock refuses the charge, which records nothing', async () => {
  const orderId = randomUUID();
  const release = await holdOrderLock(orderId);
  let voided, charged;
  try {
    voided = voidOrder(orderId);
    await waitersOnLock(1, voided);
    // The charge passes its up-front check (the void has not committed) and queues for the lock behind the void.
    charged = keyedCharge(orderId);
    await waitersOnLock(2, charged);
  } finally {
    await release();
  }
  const response = await charged;
  assert.equal(response.statusCode, 409, response.body);
  assert.equal(response.json().code, errorCodes.ORDER_VOIDED);
  assert.deepEqual(await paymentsOf(orderId), []);
  assert.deepEqual((await voided).json(), { items: [] });
});

test('an order id spelled in capitals takes the same lock, for a charge and for a void', async () => {
  const orderId = randomUUID();
  const requests = [
    { send: () => keyedCharge(orderId.toUpperCase()), status: 201 },
    { send: () => voidOrder(orderId.toUpperCase()), status: 200 },
  ];
  for (const { send, status } of requests) {
    const release = await holdOrderLock(orderId);
    let answer;
    try {
      answer = send();
      await waitersOnLock(1, answer);
    } finally {
      await release();
    }
    const response = await answer;
    assert.equal(response.statusCode, status, response.body);
  }
  assert.deepEqual(
    (await paymentsOf(orderId)).map((payment) => payment.status),
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
      sleep(index % 6).then(() => voidOrder(orderId)),
    ]);
    answers.push({ charged, voided });
  }
  for (const [index, { charged, voided }] of answers.entries()) {
    const orderId = orderIds[index]!;
    assert.equal(voided.statusCode, 200, voided.body);
    const listed = await paymentsOf(orderId);
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
