import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setAccountRole } from '@ecomm/cluster';
import { beforeTests, signTestToken, testSecrets, useTestCluster } from '@ecomm/testing';
import { allServices } from './all-services.js';

const base64url = (text: string) => Buffer.from(text).toString('base64url');
/** A token with `alg: none`: claims anyone could write, with no signature at all. */
const unsignedToken = (claims: object) =>
  `${base64url('{"alg":"none","typ":"JWT"}')}.${base64url(JSON.stringify(claims))}.`;

// Adversarial probes of what a browser or agent reaches on the orchestrator: bad input must be a 4xx, never a 500.
const cluster = useTestCluster(allServices, {
  auth: { BCRYPT_ROUNDS: '4' },
  orchestrator: { LLM_PROVIDER: 'offline', RATE_LIMIT_AUTH: '100/minute' },
});
beforeTests(async () => {
  base = cluster.urls.orchestrator!;
});
let base: string;

async function raw(
  method: string,
  path: string,
  options: { token?: string; body?: string; contentType?: string } = {},
) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.body === undefined ? {} : { 'content-type': options.contentType ?? 'application/json' }),
    },
    body: options.body,
  });
  const text = await response.text();
  return { status: response.status, text };
}

async function account(email: string) {
  const body = JSON.stringify({ email, password: 'correct-horse' });
  assert.equal((await raw('POST', '/auth/register', { body })).status, 201);
  const login = await raw('POST', '/auth/login', { body });
  return JSON.parse(login.text).access_token as string;
}

/** The operator's token: ops@example.com, registered once and granted admin with the internal key. */
async function operatorToken() {
  const credentials = JSON.stringify({ email: 'ops@example.com', password: 'correct-horse' });
  await raw('POST', '/auth/register', { body: credentials });
  const granted = { email: 'ops@example.com', role: 'admin' } as const;
  await setAccountRole({ authUrl: cluster.urls.auth!, internalApiKey: testSecrets.INTERNAL_API_KEY }, granted);
  return JSON.parse((await raw('POST', '/auth/login', { body: credentials })).text).access_token as string;
}

describe('odd ids from outside', () => {
  test('tokens of another audience, issuer, secret, expired or unsigned are refused with 401', async () => {
    const id = '11111111-1111-4111-8111-111111111111';
    for (const token of [
      await signTestToken(id, { audience: 'elsewhere', role: 'admin' }),
      await signTestToken(id, { issuer: 'elsewhere', role: 'admin' }),
      await signTestToken(id, { secret: 'x'.repeat(40), role: 'admin' }),
      await signTestToken(id, { expiresInSeconds: -10, role: 'admin' }),
      unsignedToken({ sub: id, role: 'admin', iss: 'ecomm-auth', aud: 'ecomm', exp: 9999999999 }),
    ]) {
      assert.equal((await raw('GET', '/admin/summary', { token })).status, 401, token);
      assert.equal((await raw('GET', '/conversations', { token })).status, 401, token);
    }
  });

  test('a role field in registration does not make an admin', async () => {
    const reply = await raw('POST', '/auth/register', {
      body: JSON.stringify({ email: 'mallory@example.com', password: 'correct-horse', role: 'admin' }),
    });
    assert.ok(reply.status >= 400 && reply.status < 500, reply.text);
    const upper = await account('OPS2@example.com');
    assert.equal((await raw('GET', '/admin/summary', { token: upper })).status, 403);
  });

  test('odd input on the auth relay is a 4xx', async () => {
    const cases = [
      { body: '{not json' },
      { body: JSON.stringify({ email: 'a\u0000b@example.com', password: 'correct-horse' }) },
      { body: JSON.stringify({ email: 42, password: ['x'] }) },
      { body: JSON.stringify([]) },
      { body: 'null' },
      { body: JSON.stringify({ email: 'big@example.com', password: 'x'.repeat(5_000_000) }) },
      { body: 'email=a', contentType: 'application/x-www-form-urlencoded' },
    ];
    for (const options of cases) {
      for (const path of ['/auth/register', '/auth/login']) {
        const reply = await raw('POST', path, options);
        assert.ok(
          reply.status >= 400 && reply.status < 500,
          `${path} ${options.body.slice(0, 60)} -> ${reply.status} ${reply.text.slice(0, 200)}`,
        );
      }
    }
  });

  test('odd bodies and headers on /chat, /mcp, /orders and /admin/sagas are a 4xx', async () => {
    const shopper = await account('zed@example.com');
    const admin = await operatorToken();
    const order = '7f1c2a3e-4b5d-4e6f-8a7b-9c0d1e2f3a4b';
    const failures: string[] = [];
    const probe = async (label: string, reply: Promise<{ status: number; text: string }>) => {
      const { status, text } = await reply;
      if (status >= 500) failures.push(`${label} -> ${status} ${text.slice(0, 160)}`);
    };
    await probe(
      'chat huge',
      raw('POST', '/chat', {
        token: shopper,
        body: JSON.stringify({ session_id: 's1', message: 'x'.repeat(3_000_000) }),
      }),
    );
    await probe('chat array', raw('POST', '/chat', { token: shopper, body: '[]' }));
    await probe(
      'chat nul',
      raw('POST', '/chat/stream', { token: shopper, body: JSON.stringify({ session_id: 's1', message: 'hi\u0000' }) }),
    );
    await probe('mcp junk', raw('POST', '/mcp', { token: shopper, body: '{junk' }));
    await probe('mcp array', raw('POST', '/mcp', { token: shopper, body: '[1,2]' }));
    await probe('mcp text', raw('POST', '/mcp', { token: shopper, body: 'hello', contentType: 'text/plain' }));
    await probe('sagas status', raw('GET', '/admin/sagas?status=bogus', { token: admin }));
    await probe('sagas odd id', raw('GET', '/admin/sagas/%00', { token: admin }));
    await probe(
      'sagas retry odd',
      raw('POST', '/admin/sagas/7f1c2a3e-4b5d-4e6f-8a7b-9c0d1e2f3a4b/retry', { token: admin }),
    );
    for (const key of ['x'.repeat(8000), '\u00e9t\u00e9']) {
      const response = await fetch(`${base}/orders/${order}/cancel`, {
        method: 'POST',
        headers: { authorization: `Bearer ${shopper}`, 'idempotency-key': key },
      }).catch((error: Error) => ({ status: 0, text: async () => error.message }));
      if (response.status >= 500)
        failures.push(`cancel key ${key.length} -> ${response.status} ${(await response.text()).slice(0, 160)}`);
    }
    await probe(
      'returns odd lines',
      raw('POST', `/orders/${order}/returns`, {
        token: shopper,
        body: JSON.stringify({ lines: [{ product_id: 1e30, quantity: -1 }] }),
      }),
    );
    await probe(
      'shopper on sagas',
      raw('GET', '/admin/sagas', { token: shopper }).then((r) =>
        r.status === 403 ? r : { status: 599, text: `shopper got ${r.status}` },
      ),
    );
    assert.deepEqual(failures, []);
  });

  test('odd ids on the cart, admin product and order routes are a 4xx, never a 5xx', async () => {
    const shopper = await account('ada@example.com');
    const operator = await operatorToken();
    const odd = [
      'stats',
      '..%2F..%2Fhealth',
      '%3Fuser_id%3Dx',
      '9'.repeat(40),
      '-1',
      '1.5',
      '%F0%9F%98%80',
      'x'.repeat(5000),
    ];
    const failures: string[] = [];
    for (const id of odd) {
      for (const [method, path, token] of [
        ['GET', `/cart/${id}`, shopper],
        ['GET', `/orders/${id}`, shopper],
        ['GET', `/admin/products/${id}`, operator],
        ['DELETE', `/admin/products/${id}`, operator],
      ] as const) {
        const reply = await raw(method, path, { token });
        if (reply.status >= 500)
          failures.push(`${method} ${path.slice(0, 60)} -> ${reply.status} ${reply.text.slice(0, 160)}`);
      }
    }
    assert.deepEqual(failures, []);
  });

  test("a page parameter given twice, not a number or out of range is a 400 in the API's words", async () => {
    const shopper = await account('pages@example.com');
    for (const [query, message] of [
      ['?limit=1&limit=2', /querystring\.limit: must be a number/],
      ['?limit=Infinity', /querystring\.limit: must be a number/],
      ['?offset=abc', /querystring\.offset: must be a number/],
      ['?offset=1e7', /querystring\.offset: must be at most 1000000/],
    ] as const) {
      const reply = await raw('GET', `/orders${query}`, { token: shopper });
      assert.equal(reply.status, 400, `${query}: ${reply.text}`);
      assert.match(JSON.parse(reply.text).message, message, query);
      assert.doesNotMatch(reply.text, /NaN|Infinity|Too big|expected number/, query);
    }
  });

  test('JSON sent as text/plain is a 415 asking for application/json, as every other type is', async () => {
    const shopper = await account('plain@example.com');
    for (const [path, body, token] of [
      ['/auth/login', JSON.stringify({ email: 'plain@example.com', password: 'correct-horse' }), undefined],
      ['/chat', JSON.stringify({ session_id: 'plain-1', message: 'hello' }), shopper],
      ['/checkout', JSON.stringify({ session_id: 'plain-1' }), shopper],
    ] as const) {
      const reply = await raw('POST', path, { token, body, contentType: 'text/plain' });
      assert.equal(reply.status, 415, `${path}: ${reply.text}`);
      assert.equal(JSON.parse(reply.text).code, 'UNSUPPORTED_MEDIA_TYPE');
    }
  });

  test('a JSON body with a __proto__ key is refused saying why, not as JSON that does not parse', async () => {
    const shopper = await account('proto@example.com');
    for (const body of [
      '{"session_id": "proto-1", "message": "hi", "__proto__": {"role": "admin"}}',
      '{"session_id": "proto-1", "message": "hi", "constructor": {"prototype": {"role": "admin"}}}',
    ]) {
      const reply = await raw('POST', '/chat', { token: shopper, body });
      assert.equal(reply.status, 400, reply.text);
      assert.match(JSON.parse(reply.text).message, /__proto__/, body);
    }
  });

  test('a session id with a NUL byte is a 400, not an unreachable session service', async () => {
    const shopper = await account('nul@example.com');
    const reply = await raw('GET', '/cart/a%00b', { token: shopper });
    assert.equal(reply.status, 400, reply.text);
  });

  test('one shopper asking for odd cart ids does not open the session service breaker for everyone', async () => {
    const attacker = await account('eve@example.com');
    const victim = await account('bob@example.com');
    for (let i = 0; i < 4; i++) await raw('GET', '/cart/%00', { token: attacker });
    const reply = await raw('GET', '/conversations', { token: victim });
    assert.equal(reply.status, 200, reply.text);
  });

  test('wrong types and huge numbers on the operator catalog are a 4xx', async () => {
    const operator = await operatorToken();
    for (const body of [
      { name: 'Lamp', price: '25', stock: 3 },
      { name: 'Lamp', price: 1e308, stock: 3 },
      { name: 'Lamp', price: 25, stock: 1e20 },
      { name: 'Lamp', price: -1, stock: 3 },
      { name: 'Lamp\u0000', price: 25, stock: 3 },
      { name: 'x'.repeat(100_000), price: 25, stock: 3 },
      { name: 'Lamp', price: 25, stock: 2 ** 31 },
      { name: 'Lamp', price: 0.001, stock: 3 },
    ]) {
      const reply = await raw('POST', '/admin/products', { token: operator, body: JSON.stringify(body) });
      assert.ok(
        reply.status < 500,
        `${JSON.stringify(body).slice(0, 80)} -> ${reply.status} ${reply.text.slice(0, 200)}`,
      );
    }
    for (const query of ['?limit=-1', '?limit=abc', '?offset=1e30', '?q=%00', '?min_price=abc', '?sort=;drop']) {
      const reply = await raw('GET', `/admin/products${query}`, { token: operator });
      assert.ok(reply.status < 500, `${query} -> ${reply.status} ${reply.text.slice(0, 200)}`);
    }
  });
});
