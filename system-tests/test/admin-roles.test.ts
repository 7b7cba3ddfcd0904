import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { freePort, parseAdminCommand, setAccountRole, UsageError, workspaceRoot } from '@ecomm/cluster';
import { beforeTests, signTestToken, testSecrets, useTestCluster } from '@ecomm/testing';
import { allServices } from './all-services.js';
import { callJson } from './json-call.js';

// Who is an admin: registration never makes one; the operator grants it with the internal key (`pnpm admin`).
const cluster = useTestCluster(allServices, {
  auth: { BCRYPT_ROUNDS: '4' },
  orchestrator: { LLM_PROVIDER: 'offline', RATE_LIMIT_AUTH: '100/minute' },
});
let base: string;
let operator: { authUrl: string; internalApiKey: string };
beforeTests(async () => {
  base = cluster.urls.orchestrator!;
  operator = { authUrl: cluster.urls.auth!, internalApiKey: testSecrets.INTERNAL_API_KEY };
});

const call = (method: string, path: string, options?: { token?: string; body?: unknown }) =>
  callJson(base, method, path, options);

const password = 'correct-horse';
const login = async (email: string) =>
  (await call('POST', '/auth/login', { body: { email, password } })).body.access_token as string;

describe('admin routes take only accounts the operator granted', () => {
  test('a self-registered account is a user whatever its email: admin routes, catalog writes included, refuse it', async () => {
    assert.equal((await call('POST', '/auth/register', { body: { email: 'ops@example.com', password } })).status, 201);
    const token = await login('ops@example.com');
    assert.equal((await call('GET', '/auth/me', { token })).body.role, 'user');
    const created = await call('POST', '/admin/products', { token, body: { name: 'Free TV', price: 0.01, stock: 9 } });
    assert.equal(created.status, 403, JSON.stringify(created.body));
    assert.equal((await call('PATCH', '/admin/products/1', { token, body: { price: 0.01 } })).status, 403);
    assert.equal((await call('GET', '/admin/sagas', { token })).status, 403);
  });

  test('granted, the next login reaches the console and the catalog; revoked, no token of the account does', async () => {
    await call('POST', '/auth/register', { body: { email: 'lead@example.com', password } });
    const before = await login('lead@example.com');
    assert.match(
      await setAccountRole(operator, { email: 'lead@example.com', role: 'admin' }),
      /lead@example.com is an admin: .* registered at \d{4}-\d\d-\d\dT/,
    );
    assert.equal((await call('GET', '/admin/summary', { token: before })).status, 403, 'a token keeps its role');

    const admin = await login('lead@example.com');
    assert.equal((await call('GET', '/admin/summary', { token: admin })).status, 200);
    const created = await call('POST', '/admin/products', {
      token: admin,
      body: { name: 'Lamp', price: 25, stock: 3 },
    });
    assert.equal(created.status, 201);
    const repriced = await call('PATCH', `/admin/products/${created.body.id}`, { token: admin, body: { price: 30 } });
    assert.equal(repriced.body.price, 30);

    assert.match(await setAccountRole(operator, { email: 'lead@example.com', role: 'user' }), /is a user/);
    const demoted = await login('lead@example.com');
    assert.equal((await call('GET', '/admin/summary', { token: demoted })).status, 403);
    // A token issued before the revocation still says admin; the routes ask the auth service, which knows better.
    for (const [method, path, body] of [
      ['GET', '/admin/summary'],
      ['GET', '/admin/sagas'],
      ['PATCH', `/admin/products/${created.body.id}`, { price: 0.01 }],
    ] as const) {
      const refused = await call(method, path, { token: admin, ...(body ? { body } : {}) });
      assert.equal(refused.status, 403, `${method} ${path}: ${JSON.stringify(refused.body)}`);
      assert.equal(refused.body.message, 'This page is for operators; your account is no longer an admin');
    }
    const product = await fetch(`${cluster.urls.product}/${created.body.id}`, {
      headers: { 'x-internal-api-key': operator.internalApiKey },
    });
    assert.equal(((await product.json()) as { price: number }).price, 30, 'the revoked token changed nothing');
    // Granted again, the same token works again: the account decides, at every call.
    await setAccountRole(operator, { email: 'lead@example.com', role: 'admin' });
    assert.equal((await call('GET', '/admin/summary', { token: admin })).status, 200);
  });

  test("a token's admin claim alone opens nothing: one signed with the cluster's own secret is refused", async () => {
    const registered = await call('POST', '/auth/register', { body: { email: 'forger@example.com', password } });
    for (const id of [registered.body.id as string, randomUUID()]) {
      const forged = await signTestToken(id, { role: 'admin' });
      const refused = await call('GET', '/admin/sagas', { token: forged });
      assert.equal(refused.status, 403, JSON.stringify(refused.body));
    }
  });

  test('an admin token cannot make another admin: the grant route wants the internal key', async () => {
    await call('POST', '/auth/register', { body: { email: 'boss@example.com', password } });
    await setAccountRole(operator, { email: 'boss@example.com', role: 'admin' });
    const admin = await login('boss@example.com');
    const response = await fetch(`${operator.authUrl}/users/by-email/ops%40example.com/role`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ role: 'admin' }),
    });
    assert.equal(response.status, 403);
    assert.equal((await call('GET', '/auth/me', { token: await login('ops@example.com') })).body.role, 'user');
  });
});

describe('pnpm admin', () => {
  test('reads grant or revoke and one email; anything else is a usage error saying what is wrong', () => {
    assert.deepEqual(parseAdminCommand(['grant', 'ops@example.com']), { email: 'ops@example.com', role: 'admin' });
    assert.deepEqual(parseAdminCommand(['revoke', 'ops@example.com', '--auth-url', 'http://auth:8005']), {
      email: 'ops@example.com',
      role: 'user',
      authUrl: 'http://auth:8005',
    });
    const refusals: Array<[string[], RegExp]> = [
      [[], /Say grant or revoke/],
      [['promote', 'ops@example.com'], /"promote" is not a command/],
      [['grant'], /Whose email\?/],
      [['grant', 'a@example.com', 'b@example.com'], /One email at a time/],
      [['grant', 'a@example.com', '--force'], /Unknown option '--force'/],
    ];
    for (const [args, message] of refusals)
      assert.throws(
        () => parseAdminCommand(args),
        (error) => error instanceof UsageError && message.test(error.message),
      );
  });

  test('an unknown email, a wrong key and no auth service are errors that say what to do', async () => {
    await assert.rejects(setAccountRole(operator, { email: 'nobody@example.com', role: 'admin' }), /register first/);
    await assert.rejects(
      setAccountRole({ ...operator, internalApiKey: 'not-the-cluster-key' }, { email: 'x@example.com', role: 'admin' }),
      /is INTERNAL_API_KEY the cluster's\?/,
    );
    const nobody = { ...operator, authUrl: `http://127.0.0.1:${await freePort()}` };
    await assert.rejects(setAccountRole(nobody, { email: 'x@example.com', role: 'admin' }), /ECONNREFUSED.*pnpm start/);
  });

  test('the command grants an account of a running cluster', async () => {
    await call('POST', '/auth/register', { body: { email: 'cli@example.com', password } });
    const { code, stdout, stderr } = await runAdmin(['grant', 'CLI@example.com', '--auth-url', operator.authUrl]);
    assert.equal(code, 0, stderr);
    assert.match(stdout, /cli@example.com is an admin/);
    assert.equal((await call('GET', '/auth/me', { token: await login('cli@example.com') })).body.role, 'admin');
    const usage = await runAdmin(['grant']);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /Whose email\?[\s\S]*Usage: pnpm admin grant <email>/);
  });
});

/** `pnpm admin …` as the operator runs it, with the cluster's internal key in the environment. */
function runAdmin(args: string[]) {
  const root = workspaceRoot();
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', join(root, 'packages/cluster/src/admin.ts'), ...args],
    { cwd: root, env: { ...process.env, INTERNAL_API_KEY: testSecrets.INTERNAL_API_KEY } },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.once('close', (code) => resolve({ code, stdout, stderr })),
  );
}
