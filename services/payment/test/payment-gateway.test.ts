import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import { paymentListSchema } from '@ecomm/contracts';
import { AppError, ConfigError, createServiceClient, loadConfig } from '@ecomm/platform';
import {
  internalHeaders,
  startTestService,
  testEnvironment,
  testSecrets,
  useTestDatabase,
  useTestService,
} from '@ecomm/testing';
import type { FastifyInstance } from 'fastify';
import { paymentConfigSchema } from '../src/config.js';
import { paymentService } from '../src/service.js';

const database = useTestDatabase();
const plain = useTestService(paymentService, { database });
const simulating = useTestService(paymentService, {
  database,
  environment: { PAYMENT_SIMULATION: 'true', PAYMENT_SIMULATED_DELAY_MS: '1000' },
});
const declining = useTestService(paymentService, { database, environment: { PAYMENT_FAILURE_RATE: '1' } });

function charge(app: FastifyInstance, orderId: string, simulate?: string) {
  const headers = simulate ? { ...internalHeaders, 'x-payment-simulate': simulate } : internalHeaders;
  return app.inject({ method: 'POST', url: '/', headers, payload: { order_id: orderId, amount: 20 } });
}

async function paymentsOf(orderId: string) {
  const response = await plain.inject({ method: 'GET', url: `/?order_id=${orderId}`, headers: internalHeaders });
  return paymentListSchema.parse(response.json()).items;
}

describe('X-Payment-Simulate', () => {
  test('is ignored unless PAYMENT_SIMULATION=true, whatever its value', async () => {
    for (const value of ['decline', 'error', 'timeout', 'nonsense']) {
      const response = await charge(plain, randomUUID(), value);
      assert.equal(response.statusCode, 201, value);
      assert.equal(response.json().status, 'captured');
    }
  });

  test('decline gives a 402 with the reason and records the declined attempt', async () => {
    const orderId = randomUUID();
    const response = await charge(simulating, orderId, 'decline');
    assert.equal(response.statusCode, 402);
    const body = response.json();
    assert.deepEqual(
      { ...body, transaction_id: 'x' },
      {
        statusCode: 402,
        error: 'Payment Required',
        code: 'PAYMENT_DECLINED',
        message: 'Card declined by issuer',
        status: 'declined',
        reason: 'Card declined by issuer',
        transaction_id: 'x',
      },
    );
    const [recorded] = await paymentsOf(orderId);
    assert.equal(recorded?.transaction_id, body.transaction_id);
    assert.equal(recorded?.status, 'declined');
    assert.equal(recorded?.reason, 'Card declined by issuer');
  });

  test('a declined payment cannot be refunded, and a later charge of its order can capture', async () => {
    const orderId = randomUUID();
    const declined = (await charge(simulating, orderId, 'decline')).json();
    const refund = await plain.inject({
      method: 'POST',
      url: `/${declined.transaction_id}/refunds`,
      headers: internalHeaders,
      payload: { refund_id: 'refund-declined', amount: 1 },
    });
    assert.equal(refund.statusCode, 409);
    assert.equal(refund.json().message, `Payment ${declined.transaction_id} was declined; there is nothing to refund`);
    assert.equal((await charge(simulating, orderId)).statusCode, 201);
    assert.deepEqual((await paymentsOf(orderId)).map((payment) => payment.status).sort(), ['captured', 'declined']);
  });

  test('error gives a 503 and records nothing, so a retry can capture', async () => {
    const orderId = randomUUID();
    const response = await charge(simulating, orderId, 'error');
    assert.equal(response.statusCode, 503);
    assert.equal(response.json().code, 'PAYMENT_GATEWAY_ERROR');
    assert.match(response.json().message, /nothing was charged/);
    assert.deepEqual(await paymentsOf(orderId), []);
    assert.equal((await charge(simulating, orderId)).statusCode, 201);
  });

  test('an unknown value is a 400 naming the allowed ones', async () => {
    const orderId = randomUUID();
    const response = await charge(simulating, orderId, 'explode');
    assert.equal(response.statusCode, 400);
    assert.equal(response.json().message, 'X-Payment-Simulate must be one of decline, error, timeout');
    assert.deepEqual(await paymentsOf(orderId), []);
  });

  test('timeout captures but answers late: a caller that gives up finds the capture by order id', async () => {
    const { app: server, url } = await startTestService(paymentService, database, {
      PAYMENT_SIMULATION: 'true',
      PAYMENT_SIMULATED_DELAY_MS: '1500',
    });
    const client = createServiceClient({
      service: 'payment',
      baseUrl: url,
      internalApiKey: testSecrets.INTERNAL_API_KEY,
      retries: 0,
    });
    try {
      const orderId = randomUUID();
      const started = Date.now();
      await assert.rejects(
        client.post('/', {
          body: { order_id: orderId, amount: 15 },
          headers: { 'x-payment-simulate': 'timeout' },
          timeoutMs: 300,
        }),
        (error: unknown) => error instanceof AppError && error.statusCode === 504,
      );
      assert.ok(Date.now() - started < 1500, 'the caller gave up before the answer');
      const listed = paymentListSchema.parse(await client.get('/', { query: { order_id: orderId } })).items;
      assert.equal(listed.length, 1);
      assert.equal(listed[0]?.status, 'captured');
      assert.equal(listed[0]?.amount, 15);
    } finally {
      await client.close();
      await server.close();
    }
  });
});

describe('gateway configuration', () => {
  test('PAYMENT_FAILURE_RATE=1 declines every charge, and records each', async () => {
    for (let attempt = 0; attempt < 5; attempt++) {
      const orderId = randomUUID();
      const response = await charge(declining, orderId);
      assert.equal(response.statusCode, 402);
      assert.equal(response.json().reason, 'Card declined by issuer');
      assert.equal((await paymentsOf(orderId))[0]?.status, 'declined');
    }
  });

  test('the default configuration captures and honours no simulation', () => {
    const config = loadConfig(paymentConfigSchema, testEnvironment({ DATABASE_URL: 'postgres://localhost/x' }));
    assert.equal(config.PORT, 8003);
    assert.equal(config.PAYMENT_LATENCY_MS, 0);
    assert.equal(config.PAYMENT_FAILURE_RATE, 0);
    assert.equal(config.PAYMENT_SIMULATION, false);
    assert.equal(config.PAYMENT_SIMULATED_DELAY_MS, 10_000);
  });

  test('out-of-range gateway settings stop the start with their names', () => {
    const environment = testEnvironment({
      DATABASE_URL: 'postgres://localhost/x',
      PAYMENT_FAILURE_RATE: '1.5',
      PAYMENT_LATENCY_MS: '-1',
      PAYMENT_SIMULATION: 'yes',
    });
    assert.throws(
      () => loadConfig(paymentConfigSchema, environment),
      (error: unknown) =>
        error instanceof ConfigError &&
        ['PAYMENT_FAILURE_RATE', 'PAYMENT_LATENCY_MS', 'PAYMENT_SIMULATION'].every((name) =>
          error.message.includes(name),
        ),
    );
  });
});
