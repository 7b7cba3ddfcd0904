import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { setAccountRole } from '@ecomm/cluster';
import {
  signTestToken,
  startTestCluster,
  testSecrets,
  useTestDatabase,
  useTestFixture,
  type TestCluster,
} from '@ecomm/testing';
import { allServices } from './all-services.js';
import { callJson } from './json-call.js';

const database = useTestDatabase();
let cluster: TestCluster;
let base: string;

const call = (method: string, path: string, options?: { token?: string; body?: unknown }) =>
  callJson(base, method, path, options);

async function account(email: string, role: 'user' | 'admin' = 'user') {
  assert.equal((await call('POST', '/auth/register', { body: { email, password: 'correct-horse' } })).status, 201);
  if (role === 'admin')
    await setAccountRole(
      { authUrl: cluster.urls.auth!, internalApiKey: testSecrets.INTERNAL_API_KEY },
      { email, role },
    );
  const login = await call('POST', '/auth/login', { body: { email, password: 'correct-horse' } });
  assert.equal(login.status, 200);
  return login.body.access_token as string;
}

useTestFixture(
  async () => {
    const site = mkdtempSync(join(tmpdir(), 'web-dist-'));
    writeFileSync(join(site, 'index.html'), '<!doctype html><title>Agent Shop</title>');
    cluster = await startTestCluster(allServices, database, {
      auth: { RATE_LIMIT_AUTH: '2/minute', BCRYPT_ROUNDS: '4' },
      orchestrator: { LLM_PROVIDER: 'offline', RATE_LIMIT_AUTH: '5/minute', WEB_DIST_DIR: site },
    });
    base = cluster.urls.orchestrator!;
  },
  async () => {
    await cluster.stop();
  },
  database,
);

describe('the web app talks to the orchestrator only', () => {
  test('registration and login go through the orchestrator; the role is the one the operator granted; only admins reach the console routes', async () => {
    const shopper = await account('ada@example.com');
    const operator = await account('ops@example.com', 'admin');
    // Four calls above: past the auth service's own 2/minute, which does not apply to the orchestrator's relay.
    assert.equal((await call('GET', '/auth/me', { token: shopper })).body.role, 'user');
    assert.equal((await call('GET', '/auth/me', { token: operator })).body.role, 'admin');

    assert.equal((await call('GET', '/admin/summary', { token: shopper })).status, 403);
    const summary = await call('GET', '/admin/summary', { token: operator });
    assert.equal(summary.status, 200);
    assert.equal(summary.body.active_carts, 0);

    const created = await call('POST', '/admin/products', {
      token: operator,
      body: { name: 'Desk Lamp', price: 25, stock: 3 },
    });
    assert.equal(created.status, 201);
    const restocked = await call('PATCH', `/admin/products/${created.body.id}`, {
      token: operator,
      body: { stock: 40 },
    });
    assert.equal(restocked.body.stock, 40);
    assert.equal(
      (await call('POST', '/admin/products', { token: shopper, body: { name: 'X', price: 1, stock: 1 } })).status,
      403,
    );
    assert.equal((await call('DELETE', `/admin/products/${created.body.id}`, { token: operator })).status, 200);
  });

  test('the built page is served at / without a token; the API keeps its paths and its access rules', async () => {
    const page = await fetch(`${base}/`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    assert.equal(page.headers.get('cache-control'), 'no-cache');
    assert.match(await page.text(), /Agent Shop/);
    assert.equal((await fetch(`${base}/admin/sagas`)).status, 403);
    assert.equal((await fetch(`${base}/health`)).status, 200);
    assert.equal((await fetch(`${base}/no-such-file.js`)).status, 404);
  });

  test("bad credentials are refused with the auth service's message, and bad input before it", async () => {
    const wrong = await call('POST', '/auth/login', { body: { email: 'ada@example.com', password: 'wrong-password' } });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.message, 'Invalid email or password');
    const short = await call('POST', '/auth/register', { body: { email: 'bob@example.com', password: 'short' } });
    assert.equal(short.status, 400);
  });

  test("a shopper sees their own cart, an empty one for a new conversation, and never another user's", async () => {
    const owner = await account('cart-owner@example.com');
    assert.deepEqual((await call('GET', '/cart/fresh-1', { token: owner })).body.items, []);
    const chat = await fetch(`${base}/chat`, {
      method: 'POST',
      headers: { authorization: `Bearer ${owner}`, 'content-type': 'application/json' },
      body: JSON.stringify({ session_id: 'owned-1', message: 'hello' }),
    });
    assert.equal(chat.status, 200);
    assert.deepEqual((await call('GET', '/conversations', { token: owner })).body.items, [{ session_id: 'owned-1' }]);
    assert.equal((await call('GET', '/cart/owned-1', { token: owner })).status, 200);
    const stranger = await signTestToken('00000000-0000-4000-8000-000000000001');
    assert.equal((await call('GET', '/cart/owned-1', { token: stranger })).status, 403);
  });

  test("an id too long for the router is a 414 saying so, not the web app's 404 for a route that does not exist", async () => {
    const shopper = await signTestToken('00000000-0000-4000-8000-000000000002');
    for (const path of [`/cart/${'x'.repeat(300)}`, `/orders/${'x'.repeat(5000)}`, `/${'x'.repeat(300)}`]) {
      const reply = await call('GET', path, { token: shopper });
      assert.equal(reply.status, 414, `${path.slice(0, 20)}: ${JSON.stringify(reply.body).slice(0, 120)}`);
      assert.equal(reply.body.code, 'URL_TOO_LONG');
    }
    // Short parts, but a path longer than any file's: no such page, rather than the file system's bare 403.
    const deep = await call('GET', `/${'a/'.repeat(1500)}index.html`);
    assert.equal(deep.status, 404, JSON.stringify(deep.body).slice(0, 120));
    assert.equal(deep.body.code, 'ROUTE_NOT_FOUND');
  });

  test('the orchestrator limits logins per client IP: four were made above, the limit is five', async () => {
    const login = () => call('POST', '/auth/login', { body: { email: 'ops@example.com', password: 'correct-horse' } });
    assert.equal((await login()).status, 200);
    const refused = await login();
    assert.equal(refused.status, 429);
    assert.match(String(refused.body.message), /Too many requests/);
  });
});
