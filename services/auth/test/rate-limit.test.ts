import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { buildTestService, createTestDatabase, type TestDatabase } from '@ecomm/testing';
import type { FastifyInstance } from 'fastify';
import { authService } from '../src/service.js';

let database: TestDatabase;
let app: FastifyInstance;

before(async () => {
  database = await createTestDatabase();
  app = await buildTestService(authService, database, { BCRYPT_ROUNDS: '4', RATE_LIMIT_AUTH: '3/minute' });
});

after(async () => {
  await app.close();
  await database.drop();
});

test('login is rate-limited per IP with 429 and Retry-After', async () => {
  const attempt = (remoteAddress: string) =>
    app.inject({
      method: 'POST',
      url: '/auth/login',
      remoteAddress,
      payload: { email: 'nobody@example.com', password: 'wrong-password' },
    });
  for (let index = 0; index < 3; index++) assert.equal((await attempt('10.0.0.1')).statusCode, 401);
  const limited = await attempt('10.0.0.1');
  assert.equal(limited.statusCode, 429);
  assert.ok(Number(limited.headers['retry-after']) > 0);
  assert.match(limited.json().message, /Too many requests; retry in \d+ seconds/);
  assert.equal((await attempt('10.0.0.2')).statusCode, 401, 'another IP is not limited');
});
