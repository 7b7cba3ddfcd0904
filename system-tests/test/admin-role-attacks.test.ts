import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setAccountRole } from '@ecomm/cluster';
import { beforeTests, signTestToken, testSecrets, useTestCluster } from '@ecomm/testing';
import { allServices } from './all-services.js';

// Ways a shopper might become an admin without the operator's grant, tried against real services.
const cluster = useTestCluster(allServices, {
  auth: { BCRYPT_ROUNDS: '4', RATE_LIMIT_AUTH: '1000/minute' },
  orchestrator: { LLM_PROVIDER: 'offline', RATE_LIMIT_AUTH: '1000/minute' },
});
let operator: { authUrl: string; internalApiKey: string };
const password = 'correct-horse';
let adminId: string;

beforeTests(async () => {
  operator = { authUrl: cluster.urls.auth!, internalApiKey: testSecrets.INTERNAL_API_KEY };
  const registered = await shop('POST', '/auth/register', { body: { email: 'kate@example.com', password } });
  adminId = registered.body.id as string;
  await setAccountRole(operator, { email: 'kate@example.com', role: 'admin' });
});

async function send(
  url: string,
  method: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
) {
  const response = await fetch(url, {
    method,
    headers: {
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...options.headers,
    },
    body:
      options.body === undefined
        ? undefined
        : typeof options.body === 'string'
          ? options.body
          : JSON.stringify(options.body),
  });
  const text = await response.text();
  return { status: response.status, text, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
}
const shop = (method: string, path: string, options?: Parameters<typeof send>[2]) =>
  send(`${cluster.urls.orchestrator}${path}`, method, options);

async function roleOf(email: string) {
  const login = await shop('POST', '/auth/login', { body: { email, password } });
  const token = login.body.access_token as string;
  return { role: (await shop('GET', '/auth/me', { token })).body.role, token };
}

describe('registration makes no admin', () => {
  test('a role, extra fields or a prototype key in the body are refused; the account made is a user', async () => {
    const bodies = [
      { email: 'mallory@example.com', password, role: 'admin' },
      { email: 'mallory@example.com', password, is_admin: true },
      '{"email":"mallory@example.com","password":"correct-horse","__proto__":{"role":"admin"}}',
      '{"email":"mallory@example.com","password":"correct-horse","constructor":{"prototype":{"role":"admin"}}}',
    ];
    for (const body of bodies) {
      const refused = await shop('POST', '/auth/register', { body });
      assert.equal(refused.status, 400, refused.text);
      assert.doesNotMatch(refused.text, /stack|at .*\.js|node_modules/);
    }
    assert.equal(
      (await shop('POST', '/auth/register', { body: { email: 'mallory@example.com', password } })).status,
      201,
    );
    assert.equal((await roleOf('mallory@example.com')).role, 'user');
  });

  test("an admin's email in another case, with spaces or a Kelvin sign is the admin's account: taken, not a second one", async () => {
    for (const email of [
      'KATE@example.com',
      ' kate@EXAMPLE.com\t',
      '\u212Aate@example.com',
      'kate@example.com\ufeff',
    ]) {
      const taken = await shop('POST', '/auth/register', { body: { email, password: 'another-password' } });
      assert.equal(taken.status, 409, `${JSON.stringify(email)}: ${taken.text}`);
    }
    for (const email of ['kate@example.com.', 'k\u0430te@example.com', 'kate@example.com\u200b', 'kate@[127.0.0.1]']) {
      const refused = await shop('POST', '/auth/register', { body: { email, password } });
      assert.equal(refused.status, 400, `${JSON.stringify(email)}: ${refused.text}`);
    }
    const login = await shop('POST', '/auth/login', {
      body: { email: 'KATE@example.com', password: 'another-password' },
    });
    assert.equal(login.status, 401);
  });

  test('a grant of a variant of an email reaches that one account, never a look-alike', async () => {
    const { body } = await shop('POST', '/auth/register', { body: { email: 'lena@example.com', password } });
    await shop('POST', '/auth/register', { body: { email: 'lena@example.co', password } });
    const granted = await send(
      `${operator.authUrl}/users/by-email/${encodeURIComponent(' LENA@Example.COM ')}/role`,
      'PUT',
      {
        headers: { 'x-internal-api-key': operator.internalApiKey },
        body: { role: 'admin' },
      },
    );
    assert.equal(granted.body.id, body.id);
    assert.equal((await roleOf('lena@example.com')).role, 'admin');
    assert.equal((await roleOf('lena@example.co')).role, 'user');
    await setAccountRole(operator, { email: 'lena@example.com', role: 'user' });
  });
});

describe('tokens: the role is believed only when this cluster signed it', () => {
  test('an admin claim signed with another key, another issuer or audience, expired or unsigned gets 401', async () => {
    const header = (alg: string) => Buffer.from(JSON.stringify({ alg, typ: 'JWT' })).toString('base64url');
    const claims = Buffer.from(
      JSON.stringify({
        sub: adminId,
        role: 'admin',
        iss: 'ecomm-auth',
        aud: 'ecomm',
        exp: Math.floor(Date.now() / 1000) + 600,
      }),
    ).toString('base64url');
    const forged = [
      await signTestToken(adminId, { role: 'admin', secret: 'an-attacker-secret-of-32-characters!!' }),
      await signTestToken(adminId, { role: 'admin', issuer: 'someone-else' }),
      await signTestToken(adminId, { role: 'admin', audience: 'someone-else' }),
      await signTestToken(adminId, { role: 'admin', expiresInSeconds: -60 }),
      `${header('none')}.${claims}.`,
      `${header('HS256')}.${claims}.`,
    ];
    for (const token of forged) {
      const refused = await shop('GET', '/admin/sagas', { token });
      assert.equal(refused.status, 401, refused.text);
    }
    // A user's real token with its role claim edited keeps a signature that no longer matches.
    const { token } = await roleOf('mallory@example.com');
    const [head, payload, signature] = token.split('.');
    const edited = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
    const tampered = `${head}.${Buffer.from(JSON.stringify({ ...edited, role: 'admin' })).toString('base64url')}.${signature}`;
    assert.equal((await shop('GET', '/admin/sagas', { token: tampered })).status, 401);
  });

  test('a role in a header or a query string is not believed', async () => {
    const { token } = await roleOf('mallory@example.com');
    const headers = { 'x-user-role': 'admin', 'x-role': 'admin', 'x-internal-api-key': '' };
    assert.equal((await shop('GET', '/admin/sagas?role=admin', { token, headers })).status, 403);
  });
});

describe('the grant route is out of a shopper’s reach', () => {
  const paths = [
    '/users/by-email/mallory%40example.com/role',
    '/auth/../users/by-email/mallory%40example.com/role',
    '/auth/%2e%2e/users/by-email/mallory%40example.com/role',
    '/auth/..%2fusers/by-email/mallory%40example.com/role',
    '/auth/me/..%2F..%2Fusers/by-email/mallory%40example.com/role',
    '/admin/../users/by-email/mallory%40example.com/role',
  ];
  test('through the orchestrator, with a user or an admin token, no path reaches it', async () => {
    const user = (await roleOf('mallory@example.com')).token;
    const admin = (await roleOf('kate@example.com')).token;
    for (const path of paths)
      for (const token of [user, admin]) {
        const response = await send(`${cluster.urls.orchestrator}${path}`, 'PUT', { token, body: { role: 'admin' } });
        assert.ok([400, 403, 404].includes(response.status), `${path}: ${response.status} ${response.text}`);
      }
    assert.equal((await roleOf('mallory@example.com')).role, 'user');
  });

  test('on the auth service, without the key, every spelling of the path is refused and says nothing inside', async () => {
    const user = (await roleOf('mallory@example.com')).token;
    const withoutTheKey: Record<string, string>[] = [{}, { 'x-internal-api-key': 'guess-guess-guess-guess' }];
    for (const path of [
      ...paths,
      `/users/by-email/${'a'.repeat(300)}%40example.com/role`,
      '/users/by-email/%2F..%2F/role',
    ])
      for (const headers of withoutTheKey) {
        const response = await send(`${operator.authUrl}${path}`, 'PUT', {
          token: user,
          headers,
          body: { role: 'admin' },
        });
        const expected = path === paths[0] ? response.status === 403 : response.status >= 400 && response.status < 500;
        assert.ok(expected, `${path}: ${response.status} ${response.text}`);
        assert.doesNotMatch(response.text, /stack|node_modules|password_hash|\.ts:|\.js:/, path);
      }
    assert.equal((await roleOf('mallory@example.com')).role, 'user');
  });
});
