import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { z } from 'zod';
import {
  AppError,
  baseConfigSchema,
  createServiceApp,
  createServiceClient,
  loadConfig,
  type ServiceApp,
} from '../src/index.js';

const internalApiKey = 'service-client-test-key-0123';
const config = loadConfig(baseConfigSchema, {
  INTERNAL_API_KEY: internalApiKey,
  JWT_SECRET: 'service-client-test-jwt-secret-0123456789',
  DATABASE_URL: 'postgres://unused@127.0.0.1/unused',
  LOG_LEVEL: 'silent',
});

let app: ServiceApp;
let outage = true;
let baseUrl: string;
const calls = new Map<string, number>();
function count(name: string) {
  const next = (calls.get(name) ?? 0) + 1;
  calls.set(name, next);
  return next;
}

before(async () => {
  app = createServiceApp({ service: 'echo', config });
  app.get('/items/:id', async (request) => ({ id: (request.params as { id: string }).id }));
  app.get('/slow', async () => {
    // Far longer than the client waits, so even a stalled event loop cannot let the answer arrive in time.
    await sleep(5_000);
    return { late: true };
  });
  app.get('/flaky', async (_request, reply) =>
    count('flaky') <= 2 ? reply.status(503).send({ message: 'warming up' }) : { ok: true },
  );
  app.post('/flaky-write', async (_request, reply) => {
    count(`write:${_request.headers['idempotency-key'] ?? 'none'}`);
    return reply.status(503).send({ message: 'down' });
  });
  app.post('/busy-then-done', async (request, reply) => {
    const attempt = count(`busy:${request.headers['idempotency-key']}`);
    if (attempt === 1) return reply.status(409).send({ code: 'IDEMPOTENCY_IN_PROGRESS', message: 'still in progress' });
    return { attempt };
  });
  app.post('/always-busy', async (request, reply) =>
    reply.status(409).send({
      code: 'IDEMPOTENCY_IN_PROGRESS',
      message: `A request with Idempotency-Key "${String(request.headers['idempotency-key'])}" is still in progress`,
    }),
  );
  app.get('/outage', async (_request, reply) => {
    count('outage');
    return outage ? reply.status(503).send({ message: 'down' }) : { ok: true };
  });
  app.post('/conflict', async () => {
    throw AppError.conflict('Cart is empty', { reason: 'empty' });
  });
  app.get('/crash', async () => {
    throw new Error('connection string postgres://admin:hunter2@db');
  });
  baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
});

after(() => app.close());

function client(options: { key?: string; timeoutMs?: number } = {}) {
  return createServiceClient({
    service: 'echo',
    baseUrl,
    internalApiKey: options.key ?? internalApiKey,
    timeoutMs: options.timeoutMs ?? 2_000,
  });
}

describe('service client over real HTTP', () => {
  test('attaches the internal key and parses the response with a schema', async () => {
    const item = await client().get('/items/42', { schema: z.object({ id: z.string() }) });
    assert.deepEqual(item, { id: '42' });
  });

  test('a wrong internal key is refused with 403', async () => {
    await assert.rejects(client({ key: 'wrong-key-0123456789' }).get('/items/1'), (error: AppError) => {
      assert.equal(error.statusCode, 403);
      assert.match(error.message, /X-Internal-API-Key/);
      return true;
    });
  });

  test('a 4xx keeps its status, code, message and details', async () => {
    await assert.rejects(client().post('/conflict', { body: {} }), (error: AppError) => {
      assert.equal(error.statusCode, 409);
      assert.equal(error.message, 'Cart is empty');
      assert.deepEqual(error.details, { reason: 'empty' });
      return true;
    });
  });

  test('a slow answer becomes an upstream timeout', async () => {
    const impatient = createServiceClient({ service: 'echo', baseUrl, internalApiKey, timeoutMs: 200, retries: 0 });
    await assert.rejects(impatient.get('/slow', {}), (error: AppError) => {
      assert.equal(error.statusCode, 504);
      assert.equal(error.code, 'UPSTREAM_TIMEOUT');
      return true;
    });
  });

  test('an idempotent GET is retried through a passing 503', async () => {
    assert.deepEqual(await client().get('/flaky'), { ok: true });
    assert.equal(calls.get('flaky'), 3);
  });

  test('a POST without an idempotency key is never repeated', async () => {
    await assert.rejects(client().post('/flaky-write', { body: {} }), (error: AppError) => error.statusCode === 502);
    assert.equal(calls.get('write:none'), 1);
  });

  test('a POST with an idempotency key is retried', async () => {
    await assert.rejects(
      client().post('/flaky-write', { body: {}, idempotencyKey: 'k-1' }),
      (error: AppError) => error.statusCode === 502,
    );
    assert.equal(calls.get('write:k-1'), 3);
  });

  test('"still in progress" for the same idempotency key is asked again, and the answer comes back', async () => {
    assert.deepEqual(await client().post('/busy-then-done', { body: {}, idempotencyKey: 'k-busy' }), { attempt: 2 });
  });

  test('"still in progress" past the last attempt names the service, not the caller\'s own key', async () => {
    await assert.rejects(
      client().post('/always-busy', { body: {}, idempotencyKey: 'saga-1:claim_cart' }),
      (error: AppError) => {
        assert.deepEqual(
          [error.statusCode, error.code, error.message],
          [409, 'IDEMPOTENCY_IN_PROGRESS', 'The echo service is still working on this request; try again shortly'],
        );
        return true;
      },
    );
  });

  test('an unreachable service is reported as unavailable', async () => {
    const closed = createServiceClient({ service: 'ghost', baseUrl: 'http://127.0.0.1:9', internalApiKey, retries: 0 });
    await assert.rejects(
      closed.get('/health'),
      (error: AppError) => error.statusCode === 503 && /ghost service is unreachable/.test(error.message),
    );
  });

  test('a breaker opens after repeated failures, then fails fast until a test call finds the service back', async () => {
    const states: string[] = [];
    const guarded = createServiceClient({
      service: 'echo',
      baseUrl,
      internalApiKey,
      retries: 0,
      breaker: { threshold: 3, halfOpenAfterMs: 300, onStateChange: (state) => states.push(state) },
    });
    for (let failure = 0; failure < 3; failure++)
      await assert.rejects(guarded.get('/outage'), (error: AppError) => error.statusCode === 502);
    assert.equal(guarded.breakerState(), 'open');
    await assert.rejects(guarded.get('/outage'), (error: AppError) => {
      assert.equal(error.statusCode, 503);
      assert.equal(error.code, 'UPSTREAM_UNAVAILABLE');
      assert.match(error.message, /echo service is unreachable \(circuit open/);
      return true;
    });
    assert.equal(calls.get('outage'), 3, 'the open breaker did not call the service');

    outage = false;
    await sleep(400);
    assert.deepEqual(await guarded.get('/outage'), { ok: true });
    assert.equal(guarded.breakerState(), 'closed');
    assert.deepEqual(states, ['open', 'half_open', 'closed']);
  });

  test('"still in progress" and 4xx answers never open a breaker', async () => {
    const guarded = createServiceClient({
      service: 'echo',
      baseUrl,
      internalApiKey,
      retries: 0,
      breaker: { threshold: 1 },
    });
    await assert.rejects(guarded.post('/conflict', { body: {} }), (error: AppError) => error.statusCode === 409);
    await assert.rejects(
      guarded.post('/busy-then-done', { body: {}, idempotencyKey: 'k-breaker' }),
      (error: AppError) => error.statusCode === 409,
    );
    assert.equal(guarded.breakerState(), 'closed');
  });

  test('an unexpected error answers 500 without internals', async () => {
    const response = await fetch(`${baseUrl}/crash`, { headers: { 'x-internal-api-key': internalApiKey } });
    assert.equal(response.status, 500);
    const body = await response.text();
    assert.deepEqual(JSON.parse(body), {
      statusCode: 500,
      error: 'Internal Server Error',
      code: 'INTERNAL_ERROR',
      message: 'Internal server error',
    });
    assert.doesNotMatch(body, /hunter2|stack/);
  });
});
