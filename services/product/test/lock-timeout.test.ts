import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createDatabase, withMigrationLock } from '@ecomm/platform';
import { internalHeaders, useAdminDatabase, useListeningTestService, useTestDatabase } from '@ecomm/testing';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { products } from '../src/database/schema.js';
import { postOverHttp, probeService } from './helpers.js';

// A request stuck inside its transaction must not take every connection with it: statements give up waiting for a
// lock after DATABASE_LOCK_TIMEOUT_MS, and the request is answered at once instead of holding its connection.
const slowProbe = probeService((app, database) => {
  const schema = { body: z.object({ name: z.string() }) };
  const create = (name: string) => database.db.insert(products).values({ name, priceCents: 100, stock: 1 });
  app.post('/probes/slow', { schema }, async (request) => {
    await create(request.body.name);
    // Busy, not waiting for a lock: the lock timeout does not cut this request short.
    await database.db.execute(sql`select pg_sleep(4)`);
    return { created: request.body.name };
  });
  app.post('/probes/quick', { schema }, async (request) => {
    await create(request.body.name);
    return { created: request.body.name };
  });
  app.post('/probes/restock', { schema: { body: z.object({ id: z.number() }) } }, async (request) => {
    await database.db.execute(sql`update product.products set stock = stock + 1 where id = ${request.body.id}`);
    return { restocked: request.body.id };
  });
});

const lockTimeoutMs = 300;
const database = useTestDatabase();
const service = useListeningTestService(slowProbe, {
  database,
  environment: { DATABASE_POOL_MAX: '2', DATABASE_LOCK_TIMEOUT_MS: String(lockTimeoutMs) },
});
const admin = useAdminDatabase(database, { poolMax: 2 });

test('duplicates of a request still running are told 409 after the lock timeout, then replay its answer', async () => {
  const body = { name: 'Slow Lamp' };
  const first = postOverHttp(service.url, '/probes/slow', body, 'slow-lamp');
  const firstDone = first.then(() => 'first');
  // The first holds its key once its work is under way.
  const sleeping = async () =>
    Number(
      (
        await admin.pool.query(
          "select count(*) from pg_stat_activity where datname = current_database() and query like 'select pg_sleep%'",
        )
      ).rows[0].count,
    );
  while ((await sleeping()) === 0) await new Promise((resolve) => setTimeout(resolve, 20));
  const duplicates = Promise.all([1, 2, 3].map(() => postOverHttp(service.url, '/probes/slow', body, 'slow-lamp')));
  // On a pool of two, three duplicates waiting for the key would leave nothing for anyone else until the first ends.
  const unrelated = postOverHttp(service.url, '/probes/quick', { name: 'Unrelated Chair' }, 'unrelated-chair');

  // Waiting it out, they would replay its answer: a 409 says they gave up first.
  for (const duplicate of await duplicates) {
    assert.equal(duplicate.status, 409);
    assert.equal(JSON.parse(duplicate.body).code, 'IDEMPOTENCY_IN_PROGRESS');
  }
  assert.equal(await Promise.race([unrelated.then((reply) => reply.status), firstDone]), 200);
  const answered = await first;
  assert.equal(answered.status, 200);
  assert.deepEqual(await postOverHttp(service.url, '/probes/slow', body, 'slow-lamp'), {
    ...answered,
    replayed: 'true',
  });
  const rows = await admin.pool.query('select count(*) from product.products where name = $1', ['Slow Lamp']);
  assert.equal(Number(rows.rows[0].count), 1);
});

test('a statement that waits too long for a row is answered 503 SERVICE_BUSY with Retry-After, nothing changed', async () => {
  const [product] = await admin.db
    .insert(products)
    .values({ name: 'Held Desk', priceCents: 100, stock: 3 })
    .returning();
  const holder = await admin.pool.connect();
  try {
    await holder.query('begin');
    await holder.query('select * from product.products where id = $1 for update', [product!.id]);
    const response = await fetch(`${service.url}/probes/restock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'restock-held-desk', ...internalHeaders },
      body: JSON.stringify({ id: product!.id }),
    });
    assert.equal(response.status, 503);
    assert.equal(response.headers.get('retry-after'), '1');
    const answer = (await response.json()) as { code: string; message: string };
    assert.equal(answer.code, 'SERVICE_BUSY');
    assert.match(answer.message, /Nothing was changed; please retry/);
    await holder.query('rollback');
    // Nothing was kept, the key included: the retry does the work.
    const retried = await postOverHttp(service.url, '/probes/restock', { id: product!.id }, 'restock-held-desk');
    assert.equal(retried.status, 200);
    assert.equal(retried.replayed, null);
    const { rows } = await admin.pool.query('select stock from product.products where id = $1', [product!.id]);
    assert.equal(rows[0].stock, 4);
  } finally {
    holder.release();
  }
});

test('start-up work waits for another replica’s migration lock however long it takes, then keeps the timeout', async () => {
  const replica = createDatabase({ url: database.adminUrl, poolMax: 1, lockTimeoutMs });
  const other = await admin.pool.connect();
  try {
    await other.query(`select pg_advisory_lock(hashtext('migrate:lock-probe'))`);
    const released = new Promise((resolve) => setTimeout(resolve, lockTimeoutMs * 3)).then(() =>
      other.query(`select pg_advisory_unlock(hashtext('migrate:lock-probe'))`),
    );
    const ran = await withMigrationLock(replica.pool, 'lock-probe', async () => 'ran');
    await released;
    assert.equal(ran, 'ran');
    const { rows } = await replica.pool.query('show lock_timeout');
    assert.equal(rows[0].lock_timeout, `${lockTimeoutMs}ms`);
  } finally {
    other.release();
    await replica.close();
  }
});
