import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { orderSchema } from '@ecomm/contracts';
import { internalHeaders, useAdminDatabase, useTestDatabase, useTestService } from '@ecomm/testing';
import { orderService } from '../src/service.js';

// A keyed request's claim travels with its handler's first statement, and arrays are written into
// statements: an order's lines travel as text[]/integer[] arrays. Adversarial names must be stored exactly, and
// duplicates of a keyed create or confirm must act once.
const database = useTestDatabase();
const app = useTestService(orderService, { database, environment: { DATABASE_LOCK_TIMEOUT_MS: '0' } });
const admin = useAdminDatabase(database, { poolMax: 1 });

const post = (url: string, payload: object, key?: string) =>
  app.inject({
    method: 'POST',
    url,
    headers: { ...internalHeaders, ...(key ? { 'idempotency-key': key } : {}) },
    payload,
  });

const names = [
  'O\'Brien\'s "best" lamp',
  'back\\slash \\" and \\\\',
  '{braces},commas,{"quoted"}',
  'NULL',
  'null',
  "'); drop table orders.orders; --",
  '*/ select 1; /*',
  "$1 $2 $$ E'x'",
  'ünïcödé 😀 \u2028 line\nbreak\ttab',
  'x'.repeat(200),
  '"',
  '\\',
];

test('adversarial line names are stored and read back exactly, keyed (arrays written in) or not', async () => {
  for (const key of [randomUUID(), undefined]) {
    const body = {
      order_id: randomUUID(),
      user_id: `user-${randomUUID()}`,
      session_id: 'session-1',
      lines: names.map((name, index) => ({ product_id: index + 1, name, unit_price: 1.5, quantity: index + 1 })),
    };
    const created = await post('/', body, key);
    assert.equal(created.statusCode, 201, created.body);
    const order = orderSchema.parse(created.json());
    assert.deepEqual(
      order.lines.map((line) => line.name),
      names.map((name) => name.trim()),
    );
    const { rows } = await admin.pool.query(
      'select name from orders.order_lines where order_id = $1 order by line_number',
      [body.order_id],
    );
    assert.deepEqual(
      rows.map((row) => row.name),
      names.map((name) => name.trim()),
    );
  }
  const { rows } = await admin.pool.query('select count(*)::int as count from orders.orders');
  assert.ok(rows[0].count >= 2);
});

test('a NUL in a line name (not written in) is a stored 400, replayed', async () => {
  const body = {
    order_id: randomUUID(),
    user_id: 'user-nul',
    session_id: 'session-1',
    lines: [{ product_id: 1, name: 'a\u0000b', unit_price: 1, quantity: 1 }],
  };
  const key = randomUUID();
  const refused = await post('/', body, key);
  assert.equal(refused.statusCode, 400, refused.body);
  const again = await post('/', body, key);
  assert.equal(again.statusCode, 400);
  assert.equal(again.headers['idempotent-replayed'], 'true');
  assert.equal(again.body, refused.body);
});

test('racing duplicates of a keyed create and of a keyed confirm act once and replay the first answer', async () => {
  const body = {
    order_id: randomUUID(),
    user_id: `user-${randomUUID()}`,
    session_id: 'session-1',
    lines: [{ product_id: 3, name: "Raced 'lamp'", unit_price: 4, quantity: 2 }],
  };
  const key = randomUUID();
  const creates = await Promise.all(Array.from({ length: 8 }, () => post('/', body, key)));
  const fresh = creates.filter((answer) => !answer.headers['idempotent-replayed']);
  assert.equal(fresh.length, 1, creates.map((answer) => `${answer.statusCode} ${answer.body}`).join('\n'));
  for (const answer of creates) {
    assert.equal(answer.statusCode, 201);
    assert.equal(answer.body, fresh[0]!.body);
  }
  const confirmKey = randomUUID();
  const transactionId = randomUUID();
  const confirms = await Promise.all(
    Array.from({ length: 8 }, () => post(`/${body.order_id}/confirm`, { transaction_id: transactionId }, confirmKey)),
  );
  const confirmed = confirms.filter((answer) => !answer.headers['idempotent-replayed']);
  assert.equal(confirmed.length, 1, confirms.map((answer) => `${answer.statusCode} ${answer.body}`).join('\n'));
  for (const answer of confirms) {
    assert.equal(answer.statusCode, confirmed[0]!.statusCode);
    assert.equal(answer.body, confirmed[0]!.body);
  }
  const { rows } = await admin.pool.query('select count(*)::int as count from orders.orders where id = $1', [
    body.order_id,
  ]);
  assert.equal(rows[0].count, 1);
});
