import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useTestDatabase, useTestService } from '@ecomm/testing';
import type { FastifyInstance } from 'fastify';
import { authService } from '../src/service.js';

const database = useTestDatabase();
const environment = { BCRYPT_ROUNDS: '4', RATE_LIMIT_AUTH: '3/minute' };
const app = useTestService(authService, { database, environment });
// A second replica on the same database.
const replica = useTestService(authService, { database, environment });

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

test("replicas on one database share one IP's limit", async () => {
  const statuses = [
    await attemptOn(app, '10.0.1.1'),
    await attemptOn(replica, '10.0.1.1'),
    await attemptOn(app, '10.0.1.1'),
    await attemptOn(replica, '10.0.1.1'),
  ].map((response) => response.statusCode);
  assert.deepEqual(
    statuses,
    [401, 401, 401, 429],
    'the fourth attempt of the minute is refused, whichever replica gets it',
  );
});

test('hits on several keys arriving together are each counted exactly: no limit is passed, none is wasted', async () => {
  // Sent at once, so that the upserts of one key's counter race each other and those of the other keys.
  const addresses = ['10.0.2.1', '10.0.2.2', '10.0.2.3'];
  const attempts = addresses.flatMap((address) => Array.from({ length: 5 }, () => address));
  const responses = await Promise.all(attempts.map((address) => attemptOn(app, address)));
  for (const address of addresses) {
    const statuses = responses.filter((_, index) => attempts[index] === address).map((response) => response.statusCode);
    assert.deepEqual(
      statuses.sort(),
      [401, 401, 401, 429, 429],
      `${address}: three attempts a minute, however the hits interleaved`,
    );
  }
});
