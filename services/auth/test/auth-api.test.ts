import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { internalHeaders, signTestToken, useTestService } from '@ecomm/testing';
import { authService } from '../src/service.js';

const app = useTestService(authService, {
  environment: { BCRYPT_ROUNDS: '4', RATE_LIMIT_AUTH: '1000/minute' },
});
let emailCounter = 0;

function uniqueEmail() {
  emailCounter += 1;
  return `user-${Date.now()}-${emailCounter}@example.com`;
}

function register(body: unknown) {
  return app.inject({ method: 'POST', url: '/auth/register', payload: body as object });
}

function login(body: unknown) {
  return app.inject({ method: 'POST', url: '/auth/login', payload: body as object });
}

describe('register, login, me', () => {
  test('a registered user logs in and reads their profile, and the hash never leaves', async () => {
    const email = uniqueEmail();
    const registered = await register({ email: `  ${email.toUpperCase()} `, password: 'correct-horse' });
    assert.equal(registered.statusCode, 201);
    const profile = registered.json();
    assert.equal(profile.email, email);
    assert.equal(profile.password_hash, undefined);
    assert.doesNotMatch(registered.body, /\$2[aby]\$/);

    const loggedIn = await login({ email, password: 'correct-horse' });
    assert.equal(loggedIn.statusCode, 200);
    const token = loggedIn.json();
    assert.equal(token.token_type, 'bearer');
    assert.equal(token.expires_in, 3600);

    const me = await app.inject({
      method: 'GET',
      url: '/auth/me',
      headers: { authorization: `Bearer ${token.access_token}` },
    });
    assert.equal(me.statusCode, 200);
    assert.deepEqual(me.json(), profile);
  });

  test('an email that is taken gets 409, whatever its case', async () => {
    const email = uniqueEmail();
    assert.equal((await register({ email, password: 'correct-horse' })).statusCode, 201);
    const again = await register({ email: email.toUpperCase(), password: 'another-password' });
    assert.equal(again.statusCode, 409);
    assert.equal(again.json().message, 'An account with this email already exists');
  });

  test('an unknown email and a wrong password get the same 401', async () => {
    const email = uniqueEmail();
    await register({ email, password: 'correct-horse' });
    const wrongPassword = await login({ email, password: 'wrong-password' });
    const unknownEmail = await login({ email: uniqueEmail(), password: 'correct-horse' });
    assert.equal(wrongPassword.statusCode, 401);
    assert.equal(unknownEmail.statusCode, 401);
    assert.equal(wrongPassword.json().message, 'Invalid email or password');
    assert.deepEqual(unknownEmail.json(), wrongPassword.json());
  });
});

describe('passwords', () => {
  test("every character of a long password counts, beyond bcrypt's 72 bytes", async () => {
    const email = uniqueEmail();
    await register({ email, password: `${'p'.repeat(72)}AAAAAAAA` });
    assert.equal((await login({ email, password: `${'p'.repeat(72)}BBBBBBBB` })).statusCode, 401);
    assert.equal((await login({ email, password: `${'p'.repeat(72)}AAAAAAAA` })).statusCode, 200);
  });

  test('a NUL character in a field is a 400, not a 500', async () => {
    const response = await register({ email: 'nul\u0000@example.com', password: 'correct-horse' });
    assert.equal(response.statusCode, 400);
  });
});

describe('bad input gets a 400 naming the field', () => {
  const cases: Array<[string, unknown, RegExp]> = [
    ['missing fields', {}, /body\.email: .*; body\.password: /],
    ['a missing password', { email: 'a@example.com' }, /body\.password/],
    [
      'a malformed email',
      { email: 'not-an-email', password: 'correct-horse' },
      /body\.email: must be a valid email address/,
    ],
    [
      'a short password',
      { email: 'a@example.com', password: 'short' },
      /body\.password: must be at least 8 characters/,
    ],
    [
      'an over-long password',
      { email: 'a@example.com', password: 'x'.repeat(129) },
      /body\.password: must be at most 128 characters/,
    ],
    [
      'wrong JSON types',
      { email: 42, password: ['correct-horse'] },
      /body\.email: .*expected string.*body\.password: .*expected string/,
    ],
    [
      'an unknown field',
      { email: 'a@example.com', password: 'correct-horse', admin: true },
      /Unrecognized key: "admin"/,
    ],
  ];
  for (const [name, body, message] of cases) {
    test(name, async () => {
      const response = await register(body);
      assert.equal(response.statusCode, 400);
      assert.equal(response.json().code, 'VALIDATION_FAILED');
      assert.match(response.json().message, message);
    });
  }

  test('a body that is not JSON', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/auth/register',
      headers: { 'content-type': 'application/json' },
      payload: '{"email": ',
    });
    assert.equal(response.statusCode, 400);
    assert.match(response.json().message, /JSON/i);
  });

  test('an oversized body gets 413', async () => {
    const response = await register({ email: 'a@example.com', password: 'x'.repeat(200_000) });
    assert.equal(response.statusCode, 413);
    assert.match(response.json().message, /too large/i);
  });
});

describe('GET /auth/me refuses bad tokens with 401', () => {
  async function me(authorization?: string) {
    const response = await app.inject({
      method: 'GET',
      url: '/auth/me',
      headers: authorization ? { authorization } : {},
    });
    assert.equal(response.statusCode, 401);
    return response.json().message as string;
  }

  test('no token', async () => assert.match(await me(), /Missing Authorization header/));
  test('not a bearer header', async () => assert.match(await me('Basic abc'), /must be "Bearer <token>"/));
  test('a malformed token', async () => assert.equal(await me('Bearer not.a.jwt'), 'Invalid token'));
  test('an expired token', async () => {
    const expired = await signTestToken('00000000-0000-4000-8000-000000000000', { expiresInSeconds: -10 });
    assert.match(await me(`Bearer ${expired}`), /expired/);
  });
  test('a token signed with another secret', async () => {
    const forged = await signTestToken('00000000-0000-4000-8000-000000000000', {
      secret: 'another-secret-that-is-32-characters-long',
    });
    assert.equal(await me(`Bearer ${forged}`), 'Invalid token');
  });
  test('a correctly signed token whose subject is not a user id', async () => {
    assert.equal(await me(`Bearer ${await signTestToken('not-a-uuid')}`), 'Invalid token');
  });
  test('a token for another audience', async () => {
    const foreign = await signTestToken('00000000-0000-4000-8000-000000000000', { audience: 'someone-else' });
    assert.equal(await me(`Bearer ${foreign}`), 'Invalid token');
  });
});

describe('health and readiness', () => {
  test('health names the service and needs no key', async () => {
    const response = await app.inject({ method: 'GET', url: '/health' });
    assert.deepEqual(response.json(), { service: 'auth', status: 'running' });
  });

  test('ready checks the database', async () => {
    const response = await app.inject({ method: 'GET', url: '/ready' });
    assert.equal(response.statusCode, 200);
    assert.equal(response.json().status, 'ready');
  });

  test('responses carry a request id, echoing a valid given one', async () => {
    const response = await app.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': 'trace-me-123' } });
    assert.equal(response.headers['x-request-id'], 'trace-me-123');
  });

  test('the internal key is not needed for public routes but /metrics is public too', async () => {
    const response = await app.inject({ method: 'GET', url: '/metrics', headers: internalHeaders });
    assert.equal(response.statusCode, 200);
    assert.match(response.body, /http_request_duration_seconds/);
  });
});
