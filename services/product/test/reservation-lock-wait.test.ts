import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { useAdminDatabase, useListeningTestService, useTestDatabase } from '@ecomm/testing';
import { productService } from '../src/service.js';
import { postOverHttp } from './helpers.js';

// In READ COMMITTED, a statement that waited for a row lock sees the locked row's newest version but every other row
// as its snapshot had them before the wait. A reservation is one such statement: these commit changes while it waits
// for a product held in another connection, and check it decided on what was committed, not on what it first saw.
const database = useTestDatabase();
// The holder keeps the product locked until the reservation is seen waiting, however slow the machine is.
const service = useListeningTestService(productService, { database, environment: { DATABASE_LOCK_TIMEOUT_MS: '0' } });
const admin = useAdminDatabase(database, { poolMax: 3 });

async function createProduct(stock: number): Promise<number> {
  const created = await postOverHttp(service.url, '/', { name: 'Held Lamp', price: 10, stock });
  return (JSON.parse(created.body) as { id: number }).id;
}

const stockOf = async (id: number) =>
  Number((await admin.pool.query('select stock from product.products where id = $1', [id])).rows[0].stock);

/** Until a statement whose text matches `pattern` waits for a lock. */
async function untilWaiting(pattern: string) {
  const waiting = () =>
    admin.pool.query("select 1 from pg_stat_activity where wait_event_type = 'Lock' and query like $1", [pattern]);
  while ((await waiting()).rowCount === 0) await sleep(20);
}

type Query = (text: string, values?: unknown[]) => Promise<unknown>;

/** Sends the reservation while `change` holds the product's lock, and commits `change` once the reservation waits. */
async function reserveDuringChange(body: unknown, change: (query: Query) => Promise<unknown>) {
  const holder = await admin.pool.connect();
  try {
    await holder.query('begin');
    await change((text, values) => holder.query(text, values));
    const answer = postOverHttp(service.url, '/reservations', body, `key-${JSON.stringify(body)}`);
    await untilWaiting('%bool_and%');
    await holder.query('commit');
    const { status, body: text } = await answer;
    return { status, answer: JSON.parse(text) };
  } finally {
    holder.release();
  }
}

test('the lines carry the name and price committed during the wait, and the stock taken is the newest', async () => {
  const id = await createProduct(5);
  const { status, answer } = await reserveDuringChange(
    { reservation_id: 'renamed', lines: [{ product_id: id, quantity: 2 }] },
    (query) =>
      query("update product.products set name = 'Renamed Lamp', price_cents = 1250, stock = 3 where id = $1", [id]),
  );
  assert.equal(status, 201);
  assert.deepEqual(answer.lines, [{ product_id: id, name: 'Renamed Lamp', unit_price: 12.5, quantity: 2 }]);
  assert.equal(await stockOf(id), 1);
});

test('stock taken during the wait refuses the reservation, naming what is left, and it writes nothing', async () => {
  const id = await createProduct(5);
  const { status, answer } = await reserveDuringChange(
    { reservation_id: 'outrun', lines: [{ product_id: id, quantity: 2 }] },
    (query) => query('update product.products set stock = 1 where id = $1', [id]),
  );
  assert.equal(status, 409);
  assert.equal(answer.message, 'Not enough stock: Held Lamp (requested 2, available 1)');
  assert.equal(await stockOf(id), 1);
  const { rowCount } = await admin.pool.query("select 1 from product.reservations where id = 'outrun'");
  assert.equal(rowCount, 0);
});

test('the same reservation committed during the wait is answered, not taken again', async () => {
  const id = await createProduct(10);
  const { status, answer } = await reserveDuringChange(
    { reservation_id: 'twin', lines: [{ product_id: id, quantity: 2 }] },
    async (query) => {
      await query('update product.products set stock = stock - 2 where id = $1', [id]);
      await query("insert into product.reservations (id) values ('twin')");
      await query(
        "insert into product.reservation_lines (reservation_id, product_id, name, unit_price_cents, quantity) values ('twin', $1, 'Held Lamp', 1000, 2)",
        [id],
      );
    },
  );
  assert.equal(status, 200);
  assert.deepEqual(answer, {
    reservation_id: 'twin',
    status: 'reserved',
    lines: [{ product_id: id, name: 'Held Lamp', unit_price: 10, quantity: 2 }],
  });
  assert.equal(await stockOf(id), 8);
});

test('a release waiting for its reservation to be committed releases it, once', async () => {
  const id = await createProduct(10);
  const holder = await admin.pool.connect();
  try {
    await holder.query('begin');
    await holder.query('update product.products set stock = stock - 2 where id = $1', [id]);
    await holder.query("insert into product.reservations (id) values ('overtaken')");
    await holder.query(
      "insert into product.reservation_lines (reservation_id, product_id, name, unit_price_cents, quantity) values ('overtaken', $1, 'Held Lamp', 1000, 2)",
      [id],
    );
    const released = postOverHttp(service.url, '/reservations/overtaken/release', {}, 'release-overtaken');
    await untilWaiting('%after_locks%');
    await holder.query('commit');
    const { status, body } = await released;
    assert.equal(status, 200, body);
    assert.deepEqual(JSON.parse(body).lines, [{ product_id: id, name: 'Held Lamp', unit_price: 10, quantity: 2 }]);
  } finally {
    holder.release();
  }
  assert.equal(await stockOf(id), 10);
});

test('a release and a retry of its reservation, both waiting for a product, do not deadlock', async () => {
  const id = await createProduct(10);
  const body = { reservation_id: 'retried', lines: [{ product_id: id, quantity: 2 }] };
  assert.equal((await postOverHttp(service.url, '/reservations', body, 'retried-first')).status, 201);
  const holder = await admin.pool.connect();
  try {
    await holder.query('begin');
    await holder.query('select 1 from product.products where id = $1 for update', [id]);
    // Both take the product's lock before the reservation's row: neither holds what the other waits for.
    const retried = postOverHttp(service.url, '/reservations', body, 'retried-again');
    await untilWaiting('%bool_and%');
    const released = postOverHttp(service.url, '/reservations/retried/release', {}, 'retried-release');
    await untilWaiting('%after_locks%');
    await holder.query('commit');
    const answers = await Promise.all([retried, released]);
    assert.deepEqual(
      answers.map((answer) => answer.status),
      [200, 200],
      answers.map((answer) => answer.body).join(),
    );
  } finally {
    holder.release();
  }
  assert.equal(await stockOf(id), 10);
});
