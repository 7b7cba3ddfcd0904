import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { signTestToken, testSecrets, useTestDatabase, useTestService } from '@ecomm/testing';
import { orchestratorService } from '../src/service.js';

// The auth service is away (nothing listens on port 1, where the orchestrator looks for it): an admin token cannot be confirmed,
// so no operator route answers it, whatever its method; the internal key, which asks nobody, still opens them.
const database = useTestDatabase();
const app = useTestService(orchestratorService, {
  database,
  environment: { AUTH_SERVICE_URL: 'http://127.0.0.1:1' },
});

const sagaId = randomUUID();
const operatorRoutes = [
  ['GET', '/admin/sagas'],
  ['GET', `/admin/sagas/${sagaId}`],
  ['POST', `/admin/sagas/${sagaId}/retry`],
  ['GET', '/admin/products'],
  ['POST', '/admin/products', { name: 'Forged', price: 1, stock: 1 }],
  ['PATCH', '/admin/products/1', { price: 0.01 }],
  ['DELETE', '/admin/products/1'],
  ['GET', '/admin/summary'],
] as const;

test('with the auth service away, an admin token gets a 503 on every operator route, never an answer', async () => {
  const authorization = `Bearer ${await signTestToken(randomUUID(), { role: 'admin' })}`;
  for (const [method, url, body] of operatorRoutes) {
    const response = await app.inject({ method, url, headers: { authorization }, ...(body ? { payload: body } : {}) });
    assert.equal(response.statusCode, 503, `${method} ${url}: ${response.body}`);
    assert.doesNotMatch(response.body, /ECONNREFUSED|127\.0\.0\.1/);
  }
});

test('the internal key asks nobody; a wrong one beside an admin token opens nothing', async () => {
  const authorization = `Bearer ${await signTestToken(randomUUID(), { role: 'admin' })}`;
  const internal = { 'x-internal-api-key': testSecrets.INTERNAL_API_KEY };
  assert.equal((await app.inject({ method: 'GET', url: '/admin/sagas', headers: internal })).statusCode, 200);
  const both = { ...internal, authorization };
  assert.equal((await app.inject({ method: 'GET', url: '/admin/sagas', headers: both })).statusCode, 200);
  for (const [method, url, body] of operatorRoutes) {
    const headers = { 'x-internal-api-key': 'not-the-key', authorization };
    const response = await app.inject({ method, url, headers, ...(body ? { payload: body } : {}) });
    assert.equal(response.statusCode, 403, `${method} ${url}: ${response.body}`);
  }
});
