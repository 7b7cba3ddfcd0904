// `pnpm test:release`: the image's runtime path, verified without Docker. The Dockerfile's build stage is
// replayed in a scratch folder, then the six services run from the release tree on Node 24 (the image's
// Node) with NODE_ENV=production, as the image's non-root user, with docker-compose.yml's environment,
// against a PostgreSQL initialised by deploy/postgres/init.sql; a shopper buys through /chat.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import {
  serviceCatalog,
  startEmbeddedPostgres,
  stopServices,
  waitUntilReady,
  type RunningService,
} from '@ecomm/cluster';
import { composeFile, readText, root } from '../test/deployment-sources.js';
import { composeEnvironments, node24, startRelease } from './release-services.js';
import { replayDockerfile } from './replay-dockerfile.js';

const run = promisify(execFile);
const scratch = mkdtempSync(join(tmpdir(), 'ecomm-release-'));
let database: Awaited<ReturnType<typeof startEmbeddedPostgres>>;
let running: RunningService[] = [];
let urls: Record<string, string>;
let internalKey: string;

before(async () => {
  const build = replayDockerfile(scratch, (line) => console.log(line));
  const environments = await composeEnvironments();
  internalKey = environments.variables.INTERNAL_API_KEY!;
  database = await startEmbeddedPostgres({
    dataDirectory: join(scratch, 'postgres'),
    port: environments.databasePort,
    password: environments.variables.POSTGRES_SUPERUSER_PASSWORD!,
    persistent: false,
  });
  // As the postgres image does on a fresh volume: POSTGRES_DB, then docker-entrypoint-initdb.d with its environment.
  const postgres = composeFile().services.postgres!;
  const databaseName = String(postgres.environment?.POSTGRES_DB);
  const psql = (database: string, ...rest: string[]) =>
    run('psql', ['--no-psqlrc', '--set', 'ON_ERROR_STOP=1', database, ...rest], {
      env: { PATH: process.env.PATH ?? '', ...environments.databaseContainer },
    });
  await psql(database.adminUrl, '--command', `create database ${databaseName}`);
  const shopDatabase = new URL(database.adminUrl);
  shopDatabase.pathname = `/${databaseName}`;
  await psql(shopDatabase.toString(), '--file', join(root, 'deploy/postgres/init.sql'));
  running = await startRelease(build, environments.services, scratch);
  urls = Object.fromEntries(running.map(({ name, port }) => [name, `http://127.0.0.1:${port}`]));
  // Patience: six processes run their migrations and start together, on a machine that may be busy.
  await Promise.all(
    running.map(({ name, process: child }) =>
      waitUntilReady(`${urls[name]}/ready`, child, 180_000).catch((error: Error) => {
        throw new Error(`The released ${name} service ${error.message}`);
      }),
    ),
  );
});

after(async () => {
  await stopServices(running);
  await database?.stop();
  rmSync(scratch, { recursive: true, force: true, maxRetries: 3 });
});

async function call<T>(url: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  const response = await fetch(url, {
    method: init.method ?? 'GET',
    headers: { 'content-type': 'application/json', ...init.headers },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  return { status: response.status, body: (await response.json()) as T };
}

test('the release tree runs on Node 24 in production mode, and a shopper buys through /chat', async () => {
  const imageNode = /^ARG NODE_IMAGE=node:(\d+)/m.exec(readText('Dockerfile'))?.[1];
  assert.equal((await run(node24, ['--version'])).stdout.match(/^v(\d+)/)?.[1], imageNode, 'the Node of the image');
  const internal = { 'x-internal-api-key': internalKey };
  const product = await call<{ id: number }>(`${urls.product}/`, {
    method: 'POST',
    headers: internal,
    body: { name: 'MacBook Pro', price: 2000, stock: 10, category: 'laptops', description: 'A laptop' },
  });
  assert.equal(product.status, 201);
  const email = `release-${randomUUID()}@example.com`;
  assert.equal(
    (await call(`${urls.auth}/auth/register`, { method: 'POST', body: { email, password: 'correct horse battery' } }))
      .status,
    201,
  );
  const login = await call<{ access_token: string }>(`${urls.auth}/auth/login`, {
    method: 'POST',
    body: { email, password: 'correct horse battery' },
  });
  const me = await call<{ id: string }>(`${urls.auth}/auth/me`, {
    headers: { authorization: `Bearer ${login.body.access_token}` },
  });

  const chat = await call<{ response: string; orders: { order_id: string }[] }>(`${urls.orchestrator}/chat`, {
    method: 'POST',
    headers: { authorization: `Bearer ${login.body.access_token}` },
    body: { session_id: `release-${randomBytes(4).toString('hex')}`, message: 'Find a MacBook Pro and buy 1 unit.' },
  });
  assert.equal(chat.status, 200, JSON.stringify(chat.body));
  const orders = await call<{ items: { order_id: string; status: string; total: number }[] }>(
    `${urls.order}/?user_id=${me.body.id}`,
    { headers: internal },
  );
  assert.deepEqual(
    orders.body.items.map(({ status, total }) => [status, total]),
    [['paid', 2000]],
  );
  assert.deepEqual(
    chat.body.orders.map(({ order_id }) => order_id),
    [orders.body.items[0]!.order_id],
  );
  const stock = await call<{ stock: number }>(`${urls.product}/${product.body.id}`, { headers: internal });
  assert.equal(stock.body.stock, 9);

  const page = await fetch(`${urls.orchestrator}/`);
  assert.equal(page.status, 200, 'the orchestrator serves the web app the image carries');
  assert.match(await page.text(), /<div id="root">/);

  for (const { name } of serviceCatalog) {
    const health = await call<Record<string, unknown>>(`${urls[name]}/health`);
    assert.equal(health.status, 200, `${name} is healthy after the purchase`);
  }
});
