import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError, loadConfig } from '@ecomm/platform';
import { internalHeaders, signTestToken, testEnvironment, useTestService } from '@ecomm/testing';
import { authConfigSchema } from '../src/config.js';
import { authService } from '../src/service.js';

const app = useTestService(authService, { environment: { BCRYPT_ROUNDS: '4', RATE_LIMIT_AUTH: '1000/minute' } });
const password = 'correct-horse';

async function registered(email: string) {
  const response = await app.inject({ method: 'POST', url: '/auth/register', payload: { email, password } });
  assert.equal(response.statusCode, 201, response.body);
  return response.json() as { id: string; role: string };
}

/** The role claim of a fresh login's token. */
async function roleAtLogin(email: string) {
  const response = await app.inject({ method: 'POST', url: '/auth/login', payload: { email, password } });
  const token = response.json().access_token as string;
  return (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { role: string }).role;
}

function setRole(email: string, body: unknown, headers: Record<string, string> = internalHeaders) {
  return app.inject({
    method: 'PUT',
    url: `/users/by-email/${encodeURIComponent(email)}/role`,
    headers,
    payload: body as object,
  });
}

describe('roles are the operator’s to grant', () => {
  test('registration makes a user whatever the email, and a role in the body is refused', async () => {
    assert.equal((await registered('admin@example.com')).role, 'user');
    assert.equal(await roleAtLogin('admin@example.com'), 'user');
    const asking = await app.inject({
      method: 'POST',
      url: '/auth/register',
      payload: { email: 'root@example.com', password, role: 'admin' },
    });
    assert.equal(asking.statusCode, 400);
  });

  test('a grant reaches the next login and /auth/me; setting it again answers the same; a revocation demotes the next login', async () => {
    const { id } = await registered('ops@example.com');
    const granted = await setRole('Ops@Example.com ', { role: 'admin' });
    assert.equal(granted.statusCode, 200, granted.body);
    assert.deepEqual({ id: granted.json().id, role: granted.json().role }, { id, role: 'admin' });
    assert.equal(await roleAtLogin('ops@example.com'), 'admin');
    const again = await setRole('ops@example.com', { role: 'admin' });
    assert.deepEqual(again.json(), granted.json());

    const revoked = await setRole('ops@example.com', { role: 'user' });
    assert.equal(revoked.json().role, 'user');
    assert.equal(await roleAtLogin('ops@example.com'), 'user');
  });

  test('only the internal key changes a role: no key, a wrong one, a user or an admin token get 403', async () => {
    const { id } = await registered('eve@example.com');
    const admin = await signTestToken(id, { role: 'admin' });
    const attempts: Record<string, string>[] = [
      {},
      { 'x-internal-api-key': 'not-the-internal-key-at-all' },
      { authorization: `Bearer ${await signTestToken(id)}` },
      { authorization: `Bearer ${admin}` },
    ];
    for (const headers of attempts) {
      const refused = await setRole('eve@example.com', { role: 'admin' }, headers);
      assert.equal(refused.statusCode, 403, JSON.stringify(headers));
      assert.match(refused.json().message, /X-Internal-API-Key/);
    }
    assert.equal(await roleAtLogin('eve@example.com'), 'user');
  });

  test('an unknown email is a 404 that says what to do', async () => {
    const unknown = await setRole('nobody@example.com', { role: 'admin' });
    assert.equal(unknown.statusCode, 404);
    assert.equal(
      unknown.json().message,
      'No account has the email nobody@example.com: check its spelling, or have its owner register first ' +
        '(the web app or POST /auth/register)',
    );
  });

  const badInput: Array<[string, string, unknown, RegExp]> = [
    ['a malformed email', 'not-an-email', { role: 'admin' }, /params\.email: must be a valid email address/],
    ['an unknown role', 'ops@example.com', { role: 'root' }, /body\.role: must be "user" or "admin"/],
    ['no role', 'ops@example.com', {}, /body\.role/],
    ['an unknown field', 'ops@example.com', { role: 'admin', forever: true }, /Unrecognized key: "forever"/],
  ];
  for (const [name, email, body, message] of badInput) {
    test(`bad input gets a 400 naming the field: ${name}`, async () => {
      const response = await setRole(email, body);
      assert.equal(response.statusCode, 400, response.body);
      assert.match(response.json().message, message);
    });
  }
  test('an email longer than any address is refused before the route, with a 4xx that says so', async () => {
    const response = await setRole(`${'a'.repeat(250)}@example.com`, { role: 'admin' });
    assert.equal(response.statusCode, 414);
    assert.equal(response.json().code, 'URL_TOO_LONG');
    assert.match(response.json().message, /too long: at most 256 characters/);
  });
});

describe('ADMIN_EMAILS', () => {
  const environment = (extra: Record<string, string>) =>
    testEnvironment({ DATABASE_URL: 'postgres://unused@127.0.0.1/unused', ...extra });

  test('set, it stops the auth service at start with what to do instead', () => {
    assert.throws(
      () => loadConfig(authConfigSchema, environment({ ADMIN_EMAILS: 'ops@example.com' })),
      (error: Error) =>
        error instanceof ConfigError &&
        /ADMIN_EMAILS: was removed because it granted admin to anyone who registered a listed email/.test(
          error.message,
        ) &&
        error.message.includes('pnpm admin grant <email>'),
    );
  });

  test('empty, as an env file or docker compose leaves it, it is not set', () => {
    assert.equal(loadConfig(authConfigSchema, environment({ ADMIN_EMAILS: '' })).ADMIN_EMAILS, undefined);
  });
});
