import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, test } from 'node:test';
import { errorCodes, paymentListSchema, paymentSchema } from '@ecomm/contracts';
import { AppError, createServiceClient } from '@ecomm/platform';
import { internalHeaders, startTestService, testSecrets, useTestDatabase, useTestService } from '@ecomm/testing';
import { paymentService } from '../src/service.js';
import { charge } from './helpers.js';

const database = useTestDatabase();
const app = useTestService(paymentService, { database });
const simulating = useTestService(paymentService, { database, environment: { PAYMENT_SIMULATION: 'true' } });

/** A charge the simulated gateway declines: recorded, 402. */
function decline(orderId: string) {
  return simulating.inject({
    method: 'POST',
    url: '/',
    headers: { ...internalHeaders, 'x-payment-simulate': 'decline' },
    payload: { order_id: orderId, amount: 30 },
  });
}

function voidOrder(orderId: string, headers: Record<string, string> = {}) {
  return app.inject({ method: 'POST', url: `/orders/${orderId}/void`, headers: { ...internalHeaders, ...headers } });
}

async function paymentsOf(orderId: string) {
  const response = await app.inject({ method: 'GET', url: `/?order_id=${orderId}`, headers: internalHeaders });
  return paymentListSchema.parse(response.json()).items;
}

describe('voiding an order', () => {
  test("refunds its capture, leaves its declines, and answers the order's payments", async () => {
    const orderId = randomUUID();
    const declined = await decline(orderId);
    assert.equal(declined.statusCode, 402);
    const captured = paymentSchema.parse((await charge(app, orderId)).json());
    assert.equal(captured.status, 'captured');

    const response = await voidOrder(orderId);
    assert.equal(response.statusCode, 200);
    const { items } = paymentListSchema.parse(response.json());
    assert.deepEqual(
      items.map((payment) => [payment.transaction_id, payment.status]).sort(),
      [
        [captured.transaction_id, 'refunded'],
        [declined.json().transaction_id, 'declined'],
      ].sort(),
    );
    assert.ok(items.find((payment) => payment.status === 'refunded')?.refunded_at);
    assert.deepEqual(await paymentsOf(orderId), items);
  });

  test('is idempotent by order id: a repeat, keyed or not, changes nothing', async () => {
    const orderId = randomUUID();
    await charge(app, orderId);
    const first = await voidOrder(orderId, { 'idempotency-key': `void-${orderId}` });
    const replay = await voidOrder(orderId, { 'idempotency-key': `void-${orderId}` });
    const again = await voidOrder(orderId);
    assert.equal(first.statusCode, 200);
    assert.equal(replay.headers['idempotent-replayed'], 'true');
    assert.equal(replay.body, first.body);
    assert.equal(again.statusCode, 200);
    assert.deepEqual(again.json(), first.json());
    assert.equal(first.json().items[0].status, 'refunded');
  });

  test('an order with no payments is voided all the same: its first charge is a 409 and nothing is recorded', async () => {
    const orderId = randomUUID();
    const voided = await voidOrder(orderId);
    assert.equal(voided.statusCode, 200);
    assert.deepEqual(voided.json(), { items: [] });
    const response = await charge(app, orderId);
    assert.equal(response.statusCode, 409);
    assert.equal(response.json().code, errorCodes.ORDER_VOIDED);
    assert.equal(
      response.json().message,
      `Order ${orderId} was voided (its checkout was undone); it cannot be charged`,
    );
    assert.deepEqual(response.json().details, { order_id: orderId });
    assert.deepEqual(await paymentsOf(orderId), []);
  });

  test('a malformed order id is a 400', async () => {
    const response = await voidOrder('order-1');
    assert.equal(response.statusCode, 400);
    assert.match(response.json().message, /params\.order_id: must be a UUID/);
  });
});

describe('listing an order’s payments', () => {
  test('newest first, each with its refunds oldest first, as a payment read by id has them', async () => {
    const orderId = randomUUID();
    const declined = await decline(orderId);
    const captured = paymentSchema.parse((await charge(app, orderId)).json());
    for (const refundId of ['first', 'second', 'third'])
      await app.inject({
        method: 'POST',
        url: `/${captured.transaction_id}/refunds`,
        headers: internalHeaders,
        payload: { refund_id: refundId, amount: 5 },
      });
    const listed = await paymentsOf(orderId);
    assert.deepEqual(
      listed.map((payment) => [payment.transaction_id, payment.refunds.map((refund) => refund.refund_id)]),
      [
        [captured.transaction_id, ['first', 'second', 'third']],
        [declined.json().transaction_id, []],
      ],
    );
    const read = await app.inject({ method: 'GET', url: `/${captured.transaction_id}`, headers: internalHeaders });
    assert.deepEqual(read.json(), listed[0]);
  });
});

describe('a void racing a charge, over real HTTP', () => {
  test('a charge still at the gateway when its order is voided is refused and never captured', async () => {
    const { app: server, url } = await startTestService(paymentService, database, { PAYMENT_LATENCY_MS: '800' });
    const client = createServiceClient({
      service: 'payment',
      baseUrl: url,
      internalApiKey: testSecrets.INTERNAL_API_KEY,
      retries: 0,
    });
    try {
      const orderId = randomUUID();
      const inFlight = client.post('/', { body: { order_id: orderId, amount: 45 }, schema: paymentSchema }).then(
        () => undefined,
        (error: unknown) => error,
      );
      await sleep(200);
      // The charge has passed its up-front check and waits on the gateway: there is nothing to refund yet.
      const voided = paymentListSchema.parse(await client.post(`/orders/${orderId}/void`, { body: {} }));
      assert.deepEqual(voided.items, []);
      const error = await inFlight;
      assert.ok(error instanceof AppError, 'the in-flight charge failed');
      assert.equal(error.statusCode, 409);
      assert.equal(error.code, errorCodes.ORDER_VOIDED);
      assert.deepEqual(paymentListSchema.parse(await client.get('/', { query: { order_id: orderId } })).items, []);
    } finally {
      await client.close();
      await server.close();
    }
  });

  test('concurrent charges and voids of many orders: no order ends with a capture', async () => {
    const { app: server, url } = await startTestService(paymentService, database, { PAYMENT_LATENCY_MS: '50' });
    const client = createServiceClient({
      service: 'payment',
      baseUrl: url,
      internalApiKey: testSecrets.INTERNAL_API_KEY,
      retries: 0,
    });
    try {
      const orderIds = Array.from({ length: 12 }, () => randomUUID());
      // Staggered voids land before, during and after their order's gateway call.
      const charges = orderIds.map((orderId) =>
        client.post('/', { body: { order_id: orderId, amount: 12.5 } }).catch(() => undefined),
      );
      const voids = orderIds.map((orderId, index) =>
        sleep(index * 10).then(() => client.post(`/orders/${orderId}/void`, { body: {} })),
      );
      await Promise.all([...charges, ...voids]);
      for (const orderId of orderIds) {
        const { items } = paymentListSchema.parse(await client.get('/', { query: { order_id: orderId } }));
        assert.ok(
          items.every((payment) => payment.status !== 'captured'),
          JSON.stringify(items),
        );
      }
    } finally {
      await client.close();
      await server.close();
    }
  });
});

describe('calling a refund off', () => {
  const refund = (transactionId: string, refundId: string, amount: number) =>
    app.inject({
      method: 'POST',
      url: `/${transactionId}/refunds`,
      headers: internalHeaders,
      payload: { refund_id: refundId, amount },
    });
  const voidRefund = (transactionId: string, refundId: string) =>
    app.inject({
      method: 'POST',
      url: `/${transactionId}/refunds/${refundId}/void`,
      headers: internalHeaders,
      payload: {},
    });

  test('a refund arriving after its id was called off is refused and refunds nothing', async () => {
    const payment = paymentSchema.parse((await charge(app, randomUUID())).json());
    assert.equal((await voidRefund(payment.transaction_id, 'late-1')).statusCode, 200);
    assert.equal(
      (await voidRefund(payment.transaction_id, 'late-1')).statusCode,
      200,
      'calling it off again changes nothing',
    );
    const late = await refund(payment.transaction_id, 'late-1', 10);
    assert.equal(late.statusCode, 409);
    assert.match(late.json().message, /called off/);
    const after = paymentSchema.parse(
      (await app.inject({ method: 'GET', url: `/${payment.transaction_id}`, headers: internalHeaders })).json(),
    );
    assert.equal(after.status, 'captured');
    assert.equal(after.refunded_amount, 0);
  });

  test('a refund already made cannot be called off', async () => {
    const payment = paymentSchema.parse((await charge(app, randomUUID())).json());
    assert.equal((await refund(payment.transaction_id, 'made-1', 10)).statusCode, 201);
    const refused = await voidRefund(payment.transaction_id, 'made-1');
    assert.equal(refused.statusCode, 409);
    assert.equal(refused.json().code, 'REFUND_ALREADY_MADE');
    assert.equal((await voidRefund(randomUUID(), 'made-1')).statusCode, 404);
  });
});
