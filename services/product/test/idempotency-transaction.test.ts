import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { commitsDuring, useAdminDatabase, useListeningTestService, useTestDatabase } from '@ecomm/testing';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { products } from '../src/database/schema.js';
import { productService } from '../src/service.js';
import { postOverHttp, probeService } from './helpers.js';

// The product service answers idempotent writes in one transaction: claim, work and stored answer commit together.
// Probes on the same chassis do work and then fail the way a bug or a crash would.
const probes = probeService((app, database) => {
  const schema = { body: z.object({ name: z.string() }) };
  app.post('/probes/bug', { schema }, async (request) => {
    await database.db.insert(products).values({ name: request.body.name, priceCents: 100, stock: 1 });
    throw new Error('a bug after the work');
  });
  app.post('/probes/crash', { schema }, async (request) => {
    await database.db.insert(products).values({ name: request.body.name, priceCents: 100, stock: 1 });
    // The connection dies as it would with the process: between the work and the stored answer.
    await database.db.execute(sql`select pg_terminate_backend(pg_backend_pid())`);
    return { answered: true };
  });
});

const database = useTestDatabase();
// The duplicates' test holds a table lock for as long as it takes five requests to queue behind it.
const service = useListeningTestService(productService, { database, environment: { DATABASE_LOCK_TIMEOUT_MS: '0' } });
const probed = useListeningTestService(probes, { database });
const twoConnections = useListeningTestService(productService, { database, environment: { DATABASE_POOL_MAX: '2' } });
const admin = useAdminDatabase(database, { poolMax: 2 });

const post = postOverHttp;

async function count(query: string, ...values: unknown[]) {
  return Number((await admin.pool.query(query, values)).rows[0].count);
}

const storedKeys = (key: string) => count('select count(*) from product.idempotency_keys where key = $1', key);
const productsNamed = (name: string) => count('select count(*) from product.products where name = $1', name);

test('an idempotent create commits once: claim, product and stored answer together', async () => {
  const body = { name: 'Counted Lamp', price: 12, stock: 3 };
  let first = { status: 0, replayed: null as string | null, body: '' };
  // The services prune old keys when they are ready, on a timer of their own: that statement is not this request's.
  const prune = /^delete from \S*"idempotency_keys" where \S*"created_at" </;
  assert.equal(await commitsDuring(async () => (first = await post(service.url, '/', body, 'count-lamp')), prune), 1);
  assert.equal(first.status, 201);
  const replay = await post(service.url, '/', body, 'count-lamp');
  assert.deepEqual(replay, { ...first, replayed: 'true' });
});

test('duplicates sent while the first is still working wait for it and replay its answer: one product', async () => {
  const body = { name: 'Raced Chair', price: 40, stock: 1 };
  // Holding the products table keeps the first request inside its transaction while the duplicates arrive.
  const blocker = await admin.pool.connect();
  try {
    await blocker.query('begin; lock table product.products in exclusive mode');
    const replies = Promise.all(Array.from({ length: 5 }, () => post(service.url, '/', body, 'raced-chair')));
    const waiting = () =>
      count("select count(*) from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'");
    for (let tries = 0; tries < 200 && (await waiting()) < 5; tries++) await sleep(50);
    await blocker.query('commit');
    const answers = await replies;
    assert.deepEqual(
      answers.map((answer) => answer.status),
      [201, 201, 201, 201, 201],
    );
    assert.equal(new Set(answers.map((answer) => answer.body)).size, 1);
    assert.equal(answers.filter((answer) => answer.replayed === 'true').length, 4);
  } finally {
    blocker.release();
  }
  assert.equal(await productsNamed('Raced Chair'), 1);
});

test('a 4xx is stored with its key and replayed, the work it refused not done', async () => {
  const created = JSON.parse((await post(service.url, '/', { name: 'Scarce Desk', price: 80, stock: 1 })).body);
  const reservation = { reservation_id: 'scarce-desk', lines: [{ product_id: created.id, quantity: 2 }] };
  const refused = await post(service.url, '/reservations', reservation, 'reserve-scarce-desk');
  assert.equal(refused.status, 409);
  assert.match(refused.body, /INSUFFICIENT_STOCK/);
  await admin.pool.query('update product.products set stock = 5 where id = $1', [created.id]);
  const replayed = await post(service.url, '/reservations', reservation, 'reserve-scarce-desk');
  assert.deepEqual(replayed, { ...refused, replayed: 'true' });
  assert.equal(await count('select count(*) from product.reservations where id = $1', 'scarce-desk'), 0);
  assert.equal((await post(service.url, '/reservations', reservation, 'reserve-scarce-desk-again')).status, 201);
});

test('a statement the database refuses (a 400) is stored and replayed too: the transaction recovers', async () => {
  const body = { name: 'Nul\u0000Lamp', price: 5, stock: 1 };
  const refused = await post(service.url, '/', body, 'nul-lamp');
  assert.equal(refused.status, 400);
  assert.match(refused.body, /INVALID_VALUE/);
  assert.deepEqual(await post(service.url, '/', body, 'nul-lamp'), { ...refused, replayed: 'true' });
});

test('a handler failing after its work (a 5xx) leaves neither key nor work: a retry runs again', async () => {
  for (let attempt = 0; attempt < 2; attempt++) {
    const failed = await post(probed.url, '/probes/bug', { name: 'Buggy Work' }, 'buggy-work');
    assert.equal(failed.status, 500);
    assert.equal(failed.replayed, null);
  }
  assert.equal(await storedKeys('buggy-work'), 0);
  assert.equal(await productsNamed('Buggy Work'), 0);
});

test('a connection lost between the work and the stored answer leaves no work without its key', async () => {
  const crashed = await post(probed.url, '/probes/crash', { name: 'Crashed Work' }, 'crashed-work');
  assert.equal(crashed.status, 500);
  assert.equal(await storedKeys('crashed-work'), 0);
  assert.equal(await productsNamed('Crashed Work'), 0);
});

test('a request holds one pool connection from claim to answer: many at once on a pool of two all finish', async () => {
  const created = JSON.parse((await post(service.url, '/', { name: 'Crowded Shelf', price: 3, stock: 100 })).body);
  const answers = await Promise.all(
    Array.from({ length: 12 }, (_, index) =>
      post(
        twoConnections.url,
        '/reservations',
        { reservation_id: `crowded-${index}`, lines: [{ product_id: created.id, quantity: 1 }] },
        `crowded-${index}`,
      ),
    ),
  );
  assert.deepEqual(new Set(answers.map((answer) => answer.status)), new Set([201]));
  assert.equal(await count('select stock as count from product.products where id = $1', created.id), 88);
});
