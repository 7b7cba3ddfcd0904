import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { buildTestService, createTestDatabase, type TestDatabase } from '@ecomm/testing';
import type { FastifyInstance } from 'fastify';
import { authService } from '../src/service.js';

let database: TestDatabase;
let app: FastifyInstance;
// A second replica on the same database.
let replica: FastifyInstance;

before(async () => {
  database = await createTestDatabase();
  const settings = { BCRYPT_ROUNDS: '4', RATE_LIMIT_AUTH: '3/minute' };
  [app, replica] = await Promise.all([buildTestService(authService, database, settings), buildTestService(authService, database, settings)]);
});

after(async () => {
  await app.close();
  await replica.close();
  await database.drop();
});

const attemptOn = (instance: FastifyInstance, remoteAddress: string) =>
  instance.inject({
    method: 'POST',
    url: '/auth/login',
    remoteAddress,
    payload: { email: 'nobody@example.com', password: 'wrong-password' },
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

test('replicas on one database share one IP\'s limit', async () => {
  const statuses = [
    await attemptOn(app, '10.0.1.1'),
    await attemptOn(replica, '10.0.1.1'),
    await attemptOn(app, '10.0.1.1'),
    await attemptOn(replica, '10.0.1.1'),
  ].map((response) => response.statusCode);
  assert.deepEqual(statuses, [401, 401, 401, 429], 'the fourth attempt of the minute is refused, whichever replica gets it');
});
