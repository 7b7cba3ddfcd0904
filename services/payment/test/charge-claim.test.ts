import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { errorCodes, paymentSchema } from '@ecomm/contracts';
import { useAdminDatabase, useTestDatabase, useTestService } from '@ecomm/testing';
import { paymentService } from '../src/service.js';
import { charge, holdOrderLock, paymentsOf, voidOrder, waitersOnLock } from './helpers.js';

// A keyed charge claims its key in the statement that reads whether its order is voided or captured, committed before
// the gateway. A request whose key another holds is answered from the key alone (replayed, in progress, refused); a
// `X-Payment-Simulate: error` charge that reached the gateway would be a 503, so a 409 for it says it was stopped before.
const database = useTestDatabase();
const app = useTestService(paymentService, { database, environment: { PAYMENT_SIMULATION: 'true' } });
const admin = useAdminDatabase(database, { preparedStatements: false });

const keyed = (orderId: string, key: string, headers: Record<string, string> = {}, amount = 30) =>
  charge(app, orderId, amount, { 'idempotency-key': key, ...headers });
const failingAtGateway = { 'x-payment-simulate': 'error' };

test('a keyed charge of a voided order is refused before the gateway, its refusal stored and replayed', async () => {
  const orderId = randomUUID();
  assert.equal((await voidOrder(app, orderId)).statusCode, 200);
  const key = randomUUID();
  const refused = await keyed(orderId, key, failingAtGateway);
  assert.equal(refused.statusCode, 409, refused.body);
  assert.equal(refused.json().code, errorCodes.ORDER_VOIDED);
  const replayed = await keyed(orderId, key, failingAtGateway);
  assert.equal(replayed.headers['idempotent-replayed'], 'true');
  assert.equal(replayed.body, refused.body);
  assert.deepEqual(await paymentsOf(app, orderId), []);
});

test('a keyed charge of a captured order is refused before the gateway, naming the capture', async () => {
  const orderId = randomUUID();
  const first = paymentSchema.parse((await keyed(orderId, randomUUID())).json());
  const second = await keyed(orderId, randomUUID(), failingAtGateway);
  assert.equal(second.statusCode, 409, second.body);
  assert.deepEqual(second.json().details, { order_id: orderId, transaction_id: first.transaction_id });
});

test('a replay after a completed charge answers the charge, even once its order is voided; another body is a 422', async () => {
  const orderId = randomUUID();
  const key = randomUUID();
  const charged = await keyed(orderId, key);
  assert.equal(charged.statusCode, 201, charged.body);
  assert.equal((await voidOrder(app, orderId)).statusCode, 200);
  const replayed = await keyed(orderId, key);
  assert.equal(replayed.statusCode, 201);
  assert.equal(replayed.headers['idempotent-replayed'], 'true');
  assert.equal(replayed.body, charged.body);
  const changed = await keyed(orderId, key, {}, 31);
  assert.equal(changed.statusCode, 422, changed.body);
  assert.deepEqual(
    (await paymentsOf(app, orderId)).map((payment) => payment.status),
    ['refunded'],
  );
});

test('the key is committed before the gateway: a duplicate meanwhile is told it is in progress, then replays', async () => {
  const orderId = randomUUID();
  const key = randomUUID();
  // The first charge passes the gateway and waits for the order's lock to record its capture.
  const release = await holdOrderLock(admin, orderId);
  let first;
  try {
    first = keyed(orderId, key);
    await waitersOnLock(admin, 1, first);
    const duplicate = await keyed(orderId, key);
    assert.equal(duplicate.statusCode, 409, duplicate.body);
    assert.equal(duplicate.json().code, errorCodes.IDEMPOTENCY_IN_PROGRESS);
    assert.equal((await keyed(orderId, key, {}, 31)).statusCode, 422);
  } finally {
    await release();
  }
  const answered = await first;
  assert.equal(answered.statusCode, 201, answered.body);
  const replayed = await keyed(orderId, key);
  assert.equal(replayed.headers['idempotent-replayed'], 'true');
  assert.equal(replayed.body, answered.body);
  assert.equal((await paymentsOf(app, orderId)).length, 1);
});

test('the same key sent many times at once: one charge, every other answer its replay or in progress', async () => {
  const orderId = randomUUID();
  const key = randomUUID();
  const answers = await Promise.all(Array.from({ length: 8 }, () => keyed(orderId, key)));
  const charged = answers.filter((answer) => answer.statusCode === 201 && !answer.headers['idempotent-replayed']);
  assert.equal(charged.length, 1, answers.map((answer) => answer.body).join(' | '));
  for (const answer of answers) {
    if (answer.statusCode === 201) assert.equal(answer.body, charged[0]!.body);
    else assert.equal(answer.json().code, errorCodes.IDEMPOTENCY_IN_PROGRESS, answer.body);
  }
  assert.equal((await paymentsOf(app, orderId)).length, 1);
});

/** A keyed charge made, then made to look as if its process died after claiming the key: with its record, or before. */
async function abandonedCharge(orderId: string, key: string, recorded: boolean) {
  const made = await keyed(orderId, key);
  assert.equal(made.statusCode, 201, made.body);
  if (!recorded) await admin.pool.query('delete from payment.payments where order_id = $1', [orderId]);
  await admin.pool.query(
    `update payment.idempotency_keys set state = 'in_progress', response_status = null, response_body = null,
     locked_at = now() - interval '10 minutes' where key = $1`,
    [key],
  );
  return paymentSchema.parse(made.json());
}

test('a key left in progress by a charge that died is taken over: the retry reads the order afresh', async () => {
  // Died after recording its capture: the retry finds it (a 409 naming it) and charges nothing more.
  const [recorded, recordedKey] = [randomUUID(), randomUUID()];
  const first = await abandonedCharge(recorded, recordedKey, true);
  const retried = await keyed(recorded, recordedKey, failingAtGateway);
  assert.equal(retried.statusCode, 409, retried.body);
  assert.equal(retried.json().details.transaction_id, first.transaction_id);
  // Died before its record: the retry charges as a first charge would, and its answer is stored.
  const [unrecorded, unrecordedKey] = [randomUUID(), randomUUID()];
  await abandonedCharge(unrecorded, unrecordedKey, false);
  const charged = await keyed(unrecorded, unrecordedKey);
  assert.equal(charged.statusCode, 201, charged.body);
  assert.equal((await keyed(unrecorded, unrecordedKey)).body, charged.body);
  assert.equal((await paymentsOf(app, unrecorded)).length, 1);
});

test('a body refused by validation claims nothing, and a gateway failure (503) frees the key: the retry charges once', async () => {
  const orderId = randomUUID();
  const key = randomUUID();
  const invalid = await keyed(orderId, key, {}, -5);
  assert.equal(invalid.statusCode, 400, invalid.body);
  const failed = await keyed(orderId, key, failingAtGateway);
  assert.equal(failed.statusCode, 503, failed.body);
  const charged = await keyed(orderId, key);
  assert.equal(charged.statusCode, 201, charged.body);
  assert.equal(charged.headers['idempotent-replayed'], undefined);
  assert.equal((await keyed(orderId, key)).body, charged.body);
  assert.deepEqual(
    (await paymentsOf(app, orderId)).map((payment) => payment.status),
    ['captured'],
  );
});
