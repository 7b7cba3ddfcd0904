import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import Fastify, { type FastifyError } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../src/index.js';
import { answerFrameworkError, errorAnswer, installErrorHandler, isDatabaseBusy } from '../src/http/error-handler.js';

// What every service answers to bad input, checked once here rather than in each service's tests.
const app = Fastify({ logger: false, frameworkErrors: answerFrameworkError }).withTypeProvider<ZodTypeProvider>();
app.setValidatorCompiler(validatorCompiler);
app.setSerializerCompiler(serializerCompiler);
installErrorHandler(app);
app.post('/', { schema: { body: z.object({ quantity: z.number().int().min(1) }) } }, async (request) => request.body);
app.get('/conflict', async () => {
  throw new AppError(409, 'CONFLICT_HERE', 'Already taken');
});
app.get('/pool-exhausted', async () => {
  // pg-pool's error when no connection came free within its connection timeout.
  throw new Error('timeout exceeded when trying to connect');
});
app.get('/items/:id', async (request) => request.params);
app.get('/broken', async () => {
  throw new Error('secret internals');
});
after(() => app.close());

describe('the shared error handler', () => {
  test('no body at all is a 400 naming the body', async () => {
    const response = await app.inject({ method: 'POST', url: '/' });
    assert.equal(response.statusCode, 400);
    assert.match(response.json().message, /body/);
  });

  test('an empty JSON body is a 400 saying it is empty', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/',
      headers: { 'content-type': 'application/json' },
      payload: '',
    });
    assert.equal(response.statusCode, 400);
    assert.match(response.json().message, /empty/i);
  });

  test('a bad field is a 400 VALIDATION_FAILED naming the field', async () => {
    const response = await app.inject({ method: 'POST', url: '/', payload: { quantity: 0 } });
    assert.equal(response.statusCode, 400);
    assert.equal(response.json().code, 'VALIDATION_FAILED');
    assert.match(response.json().message, /body\.quantity/);
  });

  test('an AppError keeps its status, code and message; an unknown error is a 500 without internals', async () => {
    const conflict = await app.inject({ method: 'GET', url: '/conflict' });
    assert.deepEqual(
      [conflict.statusCode, conflict.json().code, conflict.json().message],
      [409, 'CONFLICT_HERE', 'Already taken'],
    );
    const broken = await app.inject({ method: 'GET', url: '/broken' });
    assert.equal(broken.statusCode, 500);
    assert.doesNotMatch(broken.body, /secret internals/);
  });

  test("the framework's own refusals are told in the API's words, without its codes or the address echoed", async () => {
    const cases = [
      { url: '/items/%zz<script>', status: 400, code: 'INVALID_URL', message: /hexadecimal/ },
      {
        url: '/',
        method: 'POST' as const,
        payload: '{"quantity":',
        status: 400,
        code: 'INVALID_JSON',
        message: /JSON/,
      },
      {
        url: '/',
        method: 'POST' as const,
        payload: 'quantity=1',
        contentType: 'application/x-www-form-urlencoded',
        status: 415,
        code: 'UNSUPPORTED_MEDIA_TYPE',
        message: /application\/json/,
      },
    ];
    for (const { url, method = 'GET' as const, payload, contentType, status, code, message } of cases) {
      const response = await app.inject({
        method,
        url,
        payload,
        headers: { 'content-type': contentType ?? 'application/json' },
      });
      assert.equal(response.statusCode, status, url);
      assert.equal(response.json().code, code);
      assert.match(response.json().message, message);
      assert.doesNotMatch(response.body, /FST_|script/);
    }
    // A well-formed escape is no refusal.
    assert.deepEqual((await app.inject({ method: 'GET', url: '/items/a%25b' })).json(), { id: 'a%b' });
  });

  test('no free database connection is a 503 SERVICE_BUSY with Retry-After, not a 500', async () => {
    const response = await app.inject({ method: 'GET', url: '/pool-exhausted' });
    assert.equal(response.statusCode, 503);
    assert.equal(response.headers['retry-after'], '1');
    assert.equal(response.json().code, 'SERVICE_BUSY');
    assert.doesNotMatch(response.body, /timeout exceeded/);
  });

  test('every database refusal answered "Nothing was changed" is one isDatabaseBusy knows, so a route that did more than its transaction (a chat turn) can say so instead', () => {
    const postgres = (code: string, message: string) => Object.assign(new Error(message), { code });
    const stalePlan = postgres('0A000', 'cached plan must not change result type');
    for (const error of [
      postgres('55P03', 'canceling statement due to lock timeout'),
      new Error('timeout exceeded when trying to connect'),
      stalePlan,
      // As drizzle wraps it.
      Object.assign(new Error('Failed query: select 1'), { cause: stalePlan }),
    ]) {
      const answered = errorAnswer(error as FastifyError);
      assert.equal(answered.body.code, 'SERVICE_BUSY', error.message);
      assert.match(answered.body.message, /Nothing was changed/);
      assert.ok(isDatabaseBusy(error), error.message);
    }
    assert.ok(!isDatabaseBusy(postgres('0A000', 'cannot insert into a view')), 'another unsupported feature');
  });
});
