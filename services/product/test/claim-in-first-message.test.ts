import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppError } from '@ecomm/platform';
import { internalHeaders, useAdminDatabase, useListeningTestService, useTestDatabase } from '@ecomm/testing';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { products } from '../src/database/schema.js';
import { probeService } from './helpers.js';

// A keyed request's claim travels with its handler's first statement: probes on the one-transaction
// chassis whose handlers do things before (or instead of) their first statement, and duplicates of them.
let attempts = 0;
let slowCalls = 0;
let flakyCalls = 0;
const probes = probeService((app, database) => {
  const schema = { body: z.object({ name: z.string() }) };
  const create = (name: string) => database.db.insert(products).values({ name, priceCents: 100, stock: 1 });
  // Fails (a 5xx) before any statement on every call after the first: a duplicate never reached this code before.
  app.post('/probes/fails-after-first', { schema }, async (request) => {
    flakyCalls += 1;
    if (flakyCalls > 1) throw new Error('a failure before any statement');
    await create(request.body.name);
    return { created: request.body.name };
  });
  // Sets a header (and a status) before its first statement.
  app.post('/probes/header-first', { schema }, async (request, reply) => {
    attempts += 1;
    reply.header('x-attempt', String(attempts)).code(201);
    await create(request.body.name);
    return { created: request.body.name };
  });
  // Its first statement has a parameter that cannot be written in (a Date): the held claim goes on its own first.
  app.post('/probes/date-first', { schema }, async (request) => {
    await database.db.execute(sql`select ${new Date()}::timestamptz as now`);
    await create(request.body.name);
    return { created: request.body.name };
  });
  // Answers without a statement: the claim travels with the stored answer and COMMIT.
  app.post('/probes/no-statement', { schema }, async (request, reply) => {
    reply.code(202);
    return { echoed: request.body.name };
  });
  // Refuses before any statement: the claim travels with the stored refusal.
  app.post('/probes/refuse-first', { schema }, async () => {
    throw AppError.conflict('refused before any statement');
  });
  // Its first statement fails with a data exception (400), aborting the transaction.
  app.post('/probes/nul-first', { schema }, async (request) => {
    await create(`${request.body.name}\u0000`);
    return { created: request.body.name };
  });
  // The first call holds its key while it sleeps; later calls answer without a statement, or refuse before one.
  app.post('/probes/slow-then-none', { schema }, async (request) => {
    slowCalls += 1;
    if (slowCalls === 1) {
      await create(request.body.name);
      await database.db.execute(sql`select pg_sleep(2)`);
    }
    return { created: request.body.name };
  });
  app.post('/probes/slow-then-refuse', { schema }, async (request) => {
    slowCalls += 1;
    if (slowCalls === 1) {
      await create(request.body.name);
      await database.db.execute(sql`select pg_sleep(2)`);
      return { created: request.body.name };
    }
    throw AppError.badRequest('refused before any statement');
  });
  app.post('/probes/slow-then-date', { schema }, async (request) => {
    slowCalls += 1;
    if (slowCalls === 1) await database.db.execute(sql`select pg_sleep(2)`);
    await database.db.execute(sql`select ${new Date()}::timestamptz as now`);
    await create(request.body.name);
    return { created: request.body.name };
  });
});

const lockTimeoutMs = 300;
const database = useTestDatabase();
const service = useListeningTestService(probes, {
  database,
  environment: { DATABASE_POOL_MAX: '4', DATABASE_LOCK_TIMEOUT_MS: String(lockTimeoutMs) },
});
// Racing duplicates wait for the first however long it takes (a 409 after the lock timeout is a right answer too).
const patient = useListeningTestService(probes, { database, environment: { DATABASE_LOCK_TIMEOUT_MS: '0' } });
const admin = useAdminDatabase(database, { poolMax: 2 });

async function count(query: string, ...values: unknown[]) {
  return Number((await admin.pool.query(query, values)).rows[0].count);
}
const productsNamed = (name: string) => count('select count(*) from product.products where name = $1', name);

async function post(path: string, body: unknown, key: string, url = service.url) {
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...internalHeaders, 'idempotency-key': key },
    body: JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: await response.text() };
}

async function untilSleeping() {
  const sleeping = () =>
    count(
      "select count(*) from pg_stat_activity where datname = current_database() and query like '%pg_sleep(2)%' and pid <> pg_backend_pid()",
    );
  for (let tries = 0; tries < 200 && (await sleeping()) === 0; tries++) await sleep(20);
}

test('a replay carries no header the duplicate set in its rolled-back attempt', async () => {
  const body = { name: 'Header Lamp' };
  const first = await post('/probes/header-first', body, 'header-lamp');
  assert.equal(first.status, 201);
  assert.equal(first.headers.get('x-attempt'), '1');
  const replayed = await post('/probes/header-first', body, 'header-lamp');
  assert.equal(replayed.status, 201);
  assert.equal(replayed.headers.get('idempotent-replayed'), 'true');
  assert.equal(replayed.body, first.body);
  assert.equal(await productsNamed('Header Lamp'), 1);
  // Before the change the duplicate never ran the handler: a replay carried the stored answer only.
  assert.equal(replayed.headers.get('x-attempt'), null, 'header of the rolled-back attempt leaked into the replay');
});

test('a 422 (the key used for another body) carries no header the refused attempt set', async () => {
  const first = await post('/probes/header-first', { name: 'Header Desk' }, 'header-desk');
  assert.equal(first.status, 201);
  const reused = await post('/probes/header-first', { name: 'Another Desk' }, 'header-desk');
  assert.equal(reused.status, 422, reused.body);
  assert.equal(await productsNamed('Another Desk'), 0);
  assert.equal(reused.headers.get('x-attempt'), null, 'header of the rolled-back attempt leaked into the 422');
});

test('a duplicate of a completed request is replayed, whatever its handler would do before its first statement', async () => {
  const body = { name: 'Flaky Shelf' };
  const first = await post('/probes/fails-after-first', body, 'flaky-shelf');
  assert.equal(first.status, 200, first.body);
  const duplicate = await post('/probes/fails-after-first', body, 'flaky-shelf');
  assert.equal(duplicate.status, 200, `the stored answer, not the handler's own failure: ${duplicate.body}`);
  assert.equal(duplicate.headers.get('idempotent-replayed'), 'true');
});

test('a first statement that cannot be written in: duplicates still replay, one product', async () => {
  const body = { name: 'Dated Chair' };
  const answers = await Promise.all(
    Array.from({ length: 6 }, () => post('/probes/date-first', body, 'dated-chair', patient.url)),
  );
  assert.deepEqual(
    answers.map((answer) => answer.status),
    Array(6).fill(200),
    answers.map((answer) => answer.body).join('\n'),
  );
  assert.equal(answers.filter((answer) => answer.headers.get('idempotent-replayed') === 'true').length, 5);
  assert.equal(await productsNamed('Dated Chair'), 1);
  const later = await post('/probes/date-first', body, 'dated-chair');
  assert.equal(later.status, 200);
  assert.equal(later.headers.get('idempotent-replayed'), 'true');
  assert.equal((await post('/probes/date-first', { name: 'other' }, 'dated-chair')).status, 422);
});

test('no statement at all: the claim with the answer; duplicates replay the status, another body 422', async () => {
  const body = { name: 'Nothing' };
  const answers = await Promise.all(
    Array.from({ length: 6 }, () => post('/probes/no-statement', body, 'nothing', patient.url)),
  );
  assert.deepEqual(
    answers.map((answer) => answer.status),
    Array(6).fill(202),
    answers.map((answer) => answer.body).join('\n'),
  );
  assert.ok(answers.filter((answer) => answer.headers.get('idempotent-replayed') === 'true').length >= 5);
  assert.equal((await post('/probes/no-statement', { name: 'else' }, 'nothing')).status, 422);
  assert.equal(await count("select count(*) from product.idempotency_keys where key = 'nothing'"), 1);
});

test('a refusal before any statement is stored and replayed; duplicates racing get it too', async () => {
  const body = { name: 'Refused' };
  const answers = await Promise.all(
    Array.from({ length: 6 }, () => post('/probes/refuse-first', body, 'refused', patient.url)),
  );
  assert.deepEqual(
    answers.map((answer) => answer.status),
    Array(6).fill(409),
    answers.map((answer) => answer.body).join('\n'),
  );
  assert.equal(new Set(answers.map((answer) => answer.body)).size, 1);
  assert.equal((await post('/probes/refuse-first', { name: 'x' }, 'refused')).status, 422);
});

test('a data exception in the first statement: stored 400, duplicates replay it, another body 422', async () => {
  const body = { name: 'Nul' };
  const answers = await Promise.all(
    Array.from({ length: 6 }, () => post('/probes/nul-first', body, 'nul-first', patient.url)),
  );
  assert.deepEqual(
    answers.map((answer) => answer.status),
    Array(6).fill(400),
    answers.map((answer) => answer.body).join('\n'),
  );
  assert.equal(new Set(answers.map((answer) => answer.body)).size, 1);
  assert.equal((await post('/probes/nul-first', { name: 'x' }, 'nul-first')).status, 422);
});

for (const path of ['/probes/slow-then-none', '/probes/slow-then-refuse', '/probes/slow-then-date']) {
  test(`${path}: a duplicate of a request holding its key past the lock timeout is told 409, the first succeeds`, async () => {
    slowCalls = 0;
    const body = { name: `Slow ${path}` };
    const key = `slow-${path.slice(8)}`;
    const first = post(path, body, key);
    await untilSleeping();
    const duplicate = await post(path, body, key);
    assert.equal(duplicate.status, 409, duplicate.body);
    assert.equal(JSON.parse(duplicate.body).code, 'IDEMPOTENCY_IN_PROGRESS');
    const answered = await first;
    assert.equal(answered.status, 200, answered.body);
    const replayed = await post(path, body, key);
    assert.equal(replayed.status, 200);
    assert.equal(replayed.headers.get('idempotent-replayed'), 'true');
    assert.equal(replayed.body, answered.body);
    assert.equal(await productsNamed(`Slow ${path}`), path === '/probes/slow-then-none' ? 1 : 1);
  });
}
