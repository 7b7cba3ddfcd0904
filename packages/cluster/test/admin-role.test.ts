import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import { setAccountRole } from '../src/admin-role.js';

async function listen(server: Server) {
  after(() => server.close());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

test('pnpm admin never sends the internal key on to where an answer redirects it, and says so', async () => {
  const keysSeenElsewhere: unknown[] = [];
  const elsewhere = await listen(
    createServer((request, response) => {
      keysSeenElsewhere.push(request.headers['x-internal-api-key']);
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    }),
  );
  const redirecting = await listen(
    createServer((request, response) => response.writeHead(307, { location: `${elsewhere}${request.url}` }).end()),
  );

  await assert.rejects(
    setAccountRole(
      { authUrl: redirecting, internalApiKey: 'the-cluster-internal-key' },
      { email: 'ops@example.com', role: 'admin' },
    ),
    (error: Error) =>
      error.message.includes(`${redirecting} answered 307, a redirect to ${elsewhere}/users/by-email/`) &&
      /--auth-url/.test(error.message) &&
      !error.message.includes('the-cluster-internal-key'),
  );
  assert.deepEqual(keysSeenElsewhere, []);
});

test('pnpm admin pointed at something that is not the auth service says so, rather than dumping what it expected', async () => {
  const notAuth = await listen(
    createServer((_request, response) => response.writeHead(200, { 'content-type': 'application/json' }).end('{}')),
  );
  await assert.rejects(
    setAccountRole({ authUrl: notAuth, internalApiKey: 'the-cluster-internal-key' }, { email: 'a@b.co', role: 'user' }),
    { message: `${notAuth} answered 200 without an account: is it the auth service? Name it with --auth-url.` },
  );
});

test('pnpm admin reaches the role route whether or not --auth-url ends with a slash', async () => {
  const paths: unknown[] = [];
  const auth = await listen(
    createServer((request, response) => {
      paths.push(request.url);
      response.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"No account"}');
    }),
  );
  for (const authUrl of [auth, `${auth}/`, `${auth}//`])
    await assert.rejects(setAccountRole({ authUrl, internalApiKey: 'k' }, { email: 'ops@example.com', role: 'admin' }));
  assert.deepEqual(paths, Array(3).fill('/users/by-email/ops%40example.com/role'));
});

test('pnpm admin never prints an internal key that no header can carry; it says what is wrong with it', async () => {
  const auth = await listen(createServer((_request, response) => response.writeHead(500).end()));
  for (const internalApiKey of ['secret-key\nsecond-line', 'secret-key\u0000', 'secret-key-\u20ac'])
    await assert.rejects(
      setAccountRole({ authUrl: auth, internalApiKey }, { email: 'ops@example.com', role: 'admin' }),
      (error: Error) =>
        /^INTERNAL_API_KEY has a character/.test(error.message) && !error.message.includes('secret-key'),
    );
});
