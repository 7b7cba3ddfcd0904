import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import { paymentListSchema, paymentSchema } from '@ecomm/contracts';
import { AppError, createServiceClient } from '@ecomm/platform';
import { internalHeaders, startTestService, testSecrets, useTestDatabase, useTestService } from '@ecomm/testing';
import { paymentService } from '../src/service.js';

const database = useTestDatabase();
const app = useTestService(paymentService, { database });

function charge(body: unknown, headers: Record<string, string> = {}) {
  return app.inject({ method: 'POST', url: '/', headers: { ...internalHeaders, ...headers }, payload: body as object });
}

function get(url: string) {
  return app.inject({ method: 'GET', url, headers: internalHeaders });
}

function refund(transactionId: string, amount: number, refundId = `refund-${randomUUID()}`) {
  return app.inject({
    method: 'POST',
    url: `/${transactionId}/refunds`,
    headers: internalHeaders,
    payload: { refund_id: refundId, amount },
  });
}

async function paymentsOf(orderId: string) {
  return paymentListSchema.parse((await get(`/?order_id=${orderId}`)).json()).items;
}

describe('charging', () => {
  test('a charge is captured, readable by transaction id and listed for its order', async () => {
    const orderId = randomUUID();
    const response = await charge({ order_id: orderId, amount: 59.97 });
    assert.equal(response.statusCode, 201);
    const payment = paymentSchema.parse(response.json());
    assert.match(payment.transaction_id, /^[0-9a-f-]{36}$/);
    assert.deepEqual(
      { ...payment, transaction_id: 'x', created_at: 'x' },
      {
        transaction_id: 'x',
        order_id: orderId,
        amount: 59.97,
        currency: 'USD',
        status: 'captured',
        reason: null,
        created_at: 'x',
        refunded_amount: 0,
        refunded_at: null,
        refunds: [],
      },
    );
    assert.deepEqual((await get(`/${payment.transaction_id}`)).json(), response.json());
    assert.deepEqual(await paymentsOf(orderId), [payment]);
  });

  test('a second charge for a captured or refunded order is a 409 naming the existing transaction', async () => {
    const orderId = randomUUID();
    const first = (await charge({ order_id: orderId, amount: 10, currency: 'EUR' })).json();
    const second = await charge({ order_id: orderId, amount: 10, currency: 'EUR' });
    assert.equal(second.statusCode, 409);
    assert.equal(
      second.json().message,
      `Order ${orderId} already has a payment (captured): transaction ${first.transaction_id}`,
    );
    assert.deepEqual(second.json().details, { order_id: orderId, transaction_id: first.transaction_id });
    assert.equal((await refund(first.transaction_id, 10)).statusCode, 201);
    const afterRefund = await charge({ order_id: orderId, amount: 10 });
    assert.equal(afterRefund.statusCode, 409);
    assert.match(afterRefund.json().message, new RegExp(`\\(refunded\\): transaction ${first.transaction_id}`));
    assert.equal((await paymentsOf(orderId)).length, 1);
  });

  test('a replay with the same Idempotency-Key returns the same response and charges nothing; another body is a 422', async () => {
    const orderId = randomUUID();
    const key = `charge-${orderId}`;
    const first = await charge({ order_id: orderId, amount: 25 }, { 'idempotency-key': key });
    const replay = await charge({ order_id: orderId, amount: 25 }, { 'idempotency-key': key });
    assert.equal(first.statusCode, 201);
    assert.equal(replay.statusCode, 201);
    assert.equal(replay.headers['idempotent-replayed'], 'true');
    assert.equal(replay.body, first.body);
    const changed = await charge({ order_id: orderId, amount: 26 }, { 'idempotency-key': key });
    assert.equal(changed.statusCode, 422);
    assert.match(
      changed.json().message,
      new RegExp(`Idempotency-Key "${key}" was already used for a different request`),
    );
    assert.equal((await paymentsOf(orderId)).length, 1);
  });

  test('an unknown transaction is a 404, a malformed one a 400, and a list needs a valid order_id', async () => {
    const unknown = randomUUID();
    const missing = await get(`/${unknown}`);
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json().message, `Payment ${unknown} not found`);
    assert.match((await get('/tx-1')).json().message, /params\.transaction_id: must be a UUID/);
    assert.match((await get('/')).json().message, /querystring\.order_id/);
    assert.match((await get('/?order_id=42')).json().message, /querystring\.order_id: must be a UUID/);
    assert.deepEqual(await paymentsOf(randomUUID()), []);
  });
});

describe('refunds', () => {
  test('partial refunds add up to the capture in exact cents; the status follows; a replay refunds nothing more', async () => {
    const orderId = randomUUID();
    const payment = (await charge({ order_id: orderId, amount: 42.5 })).json();
    const first = await refund(payment.transaction_id, 10.1, 'r-1');
    assert.equal(first.statusCode, 201);
    assert.deepEqual([first.json().status, first.json().refunded_amount], ['partially_refunded', 10.1]);
    const replay = await refund(payment.transaction_id, 10.1, 'r-1');
    assert.equal(replay.statusCode, 200);
    assert.deepEqual(replay.json(), first.json());
    const other = await refund(payment.transaction_id, 5, 'r-1');
    assert.equal(other.statusCode, 409);
    assert.match(other.json().message, /Refund r-1 was already made with another amount/);

    const tooMuch = await refund(payment.transaction_id, 32.41);
    assert.equal(tooMuch.statusCode, 409);
    assert.equal(tooMuch.json().code, 'REFUND_EXCEEDS_PAYMENT');
    assert.equal(tooMuch.json().message, `Payment ${payment.transaction_id} has only 32.4 left to refund, not 32.41`);
    const rest = await refund(payment.transaction_id, 32.4, 'r-2');
    assert.deepEqual([rest.json().status, rest.json().refunded_amount], ['refunded', 42.5]);
    assert.ok(rest.json().refunded_at);
    assert.deepEqual(
      rest.json().refunds.map((each: { refund_id: string; amount: number }) => [each.refund_id, each.amount]),
      [
        ['r-1', 10.1],
        ['r-2', 32.4],
      ],
    );
    assert.equal((await refund(payment.transaction_id, 0.01)).statusCode, 409);
    assert.deepEqual(await paymentsOf(orderId), [rest.json()]);
  });

  test('concurrent refunds never add up to more than was captured', async () => {
    const payment = (await charge({ order_id: randomUUID(), amount: 10 })).json();
    const replies = await Promise.all(Array.from({ length: 6 }, () => refund(payment.transaction_id, 3)));
    assert.deepEqual(replies.map((reply) => reply.statusCode).sort(), [201, 201, 201, 409, 409, 409]);
    const final = (await get(`/${payment.transaction_id}`)).json();
    assert.deepEqual([final.status, final.refunded_amount], ['partially_refunded', 9]);
  });

  test('an unknown payment is a 404 and a malformed id a 400', async () => {
    const unknown = randomUUID();
    assert.equal((await refund(unknown, 1)).statusCode, 404);
    assert.match((await refund('not-a-uuid', 1)).json().message, /params\.transaction_id: must be a UUID/);
    assert.match((await refund(unknown, 0)).json().message, /body\.amount: must be at least 0\.01/);
  });
});

describe('bad input gets a 400 naming the field', () => {
  const valid = () => ({ order_id: randomUUID(), amount: 10 });
  const cases: Array<[string, unknown, RegExp]> = [
    ['a negative amount', { ...valid(), amount: -5 }, /body\.amount: must not be negative/],
    ['a zero amount', { ...valid(), amount: 0 }, /body\.amount: must be at least 0\.01/],
    ['a non-numeric amount', { ...valid(), amount: 'ten' }, /body\.amount: must be a number/],
    ['a numeric string amount', { ...valid(), amount: '10' }, /body\.amount: must be a number/],
    [
      'an amount with more than 2 decimals',
      { ...valid(), amount: 10.001 },
      /body\.amount: must have at most 2 decimal places/,
    ],
    ['a huge amount', { ...valid(), amount: 1e12 }, /body\.amount: must be at most 1000000/],
    ['a lowercase currency', { ...valid(), currency: 'usd' }, /body\.currency: must be a 3-letter ISO currency code/],
    [
      'an over-long currency',
      { ...valid(), currency: 'US'.repeat(100) },
      /body\.currency: must be a 3-letter ISO currency code/,
    ],
    ['a malformed order id', { ...valid(), order_id: 'order-1' }, /body\.order_id: must be a UUID/],
    ['an unknown field', { ...valid(), card: '4242' }, /Unrecognized key: "card"/],
    ['an empty object', {}, /body\.order_id: .*body\.amount: /],
  ];
  for (const [name, body, message] of cases) {
    test(name, async () => {
      const response = await charge(body);
      assert.equal(response.statusCode, 400);
      assert.equal(response.json().code, 'VALIDATION_FAILED');
      assert.match(response.json().message, message);
    });
  }
});

describe('over real HTTP', () => {
  test('10 concurrent charges for one order with distinct Idempotency-Keys capture exactly once', async () => {
    // Gateway latency lets every charge pass the up-front check, so only the unique index can stop the extras.
    const { app: server, url } = await startTestService(paymentService, database, { PAYMENT_LATENCY_MS: '150' });
    const client = createServiceClient({
      service: 'payment',
      baseUrl: url,
      internalApiKey: testSecrets.INTERNAL_API_KEY,
    });
    try {
      const orderId = randomUUID();
      const results = await Promise.allSettled(
        Array.from({ length: 10 }, (_, index) =>
          client.post('/', {
            body: { order_id: orderId, amount: 99.99 },
            idempotencyKey: `${orderId}-${index}`,
            schema: paymentSchema,
          }),
        ),
      );
      const captured = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
      assert.equal(captured.length, 1);
      const winner = captured[0]?.transaction_id;
      for (const result of results) {
        if (result.status === 'fulfilled') continue;
        assert.ok(result.reason instanceof AppError);
        assert.equal(result.reason.statusCode, 409);
        assert.match(result.reason.message, new RegExp(`transaction ${winner}$`));
      }
      const listed = paymentListSchema.parse(await client.get('/', { query: { order_id: orderId } })).items;
      assert.deepEqual(
        listed.map((payment) => [payment.transaction_id, payment.status]),
        [[winner, 'captured']],
      );
    } finally {
      await client.close();
      await server.close();
    }
  });
});
