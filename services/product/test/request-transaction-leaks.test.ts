import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { useAdminDatabase, useListeningTestService, useTestDatabase } from '@ecomm/testing';
import { z } from 'zod';
import { products } from '../src/database/schema.js';
import { postOverHttp, probeService } from './helpers.js';

// Work a request leaves running after its answer (a promise nobody awaits) must not reach the connection its
// transaction gave back: on a pool of one, that connection is by then the next request's, inside its transaction.
let nextRequestInside = () => {};
const nextRequestStarted = new Promise<void>((resolve) => (nextRequestInside = resolve));
let leftBehind: Promise<unknown> = Promise.resolve();

const probes = probeService((app, database) => {
  const schema = { body: z.object({ name: z.string() }) };
  const insert = (name: string) => database.db.insert(products).values({ name, priceCents: 100, stock: 1 });
  app.post('/probes/leave-work-behind', { schema }, async (request) => {
    await insert(request.body.name);
    leftBehind = nextRequestStarted.then(() => insert(`${request.body.name} (left behind)`));
    return { answered: true };
  });
  app.post('/probes/fail-later', { schema }, async (request) => {
    await insert(request.body.name);
    nextRequestInside();
    // The left-behind insert is sent meanwhile.
    await sleep(200);
    throw new Error('a bug after the work');
  });
});

const database = useTestDatabase();
const probed = useListeningTestService(probes, { database, environment: { DATABASE_POOL_MAX: '1' } });
const admin = useAdminDatabase(database, { poolMax: 1 });

const post = async (path: string, body: unknown, key: string) =>
  (await postOverHttp(probed.url, path, body, key)).status;

async function productsNamed(name: string) {
  const { rows } = await admin.pool.query('select count(*)::int as count from product.products where name = $1', [
    name,
  ]);
  return rows[0].count as number;
}

test('work left running after a request answered goes to the pool, not into the next request’s transaction', async () => {
  assert.equal(await post('/probes/leave-work-behind', { name: 'Leaver' }, 'leaver'), 200);
  // The next request takes the pool's only connection, then fails: its transaction rolls back.
  assert.equal(await post('/probes/fail-later', { name: 'Failer' }, 'failer'), 500);
  await leftBehind;
  assert.equal(await productsNamed('Failer'), 0);
  assert.equal(await productsNamed('Leaver'), 1);
  assert.equal(await productsNamed('Leaver (left behind)'), 1);
});
