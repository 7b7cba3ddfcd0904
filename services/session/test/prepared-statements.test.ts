import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sentWithNextStatement, type DatabaseConnection } from '@ecomm/platform';
import { statementsDuring, useAdminDatabase, useTestDatabase } from '@ecomm/testing';
import { sql } from 'drizzle-orm';

const database = useTestDatabase();
// One connection each, so the statements a test runs and the ones it then looks up share a session.
const preparing = useAdminDatabase(database, { poolMax: 1 });
const plain = useAdminDatabase(database, { poolMax: 1, preparedStatements: false });

async function preparedLike(connection: DatabaseConnection, pattern: string) {
  const { rows } = await connection.pool.query<{ statement: string }>(
    'select statement from pg_prepared_statements where statement like $1',
    [pattern],
  );
  return rows.map((row) => row.statement);
}

test('a parameterised statement is prepared once per connection and answers every call', async () => {
  for (const value of [1, 2, 3]) {
    const { rows } = await preparing.db.execute<{ doubled: number }>(sql`select ${value}::int * 2 as doubled`);
    assert.deepEqual(rows, [{ doubled: value * 2 }]);
  }
  assert.deepEqual(await preparedLike(preparing, 'select $1::int * 2%'), ['select $1::int * 2 as doubled']);
});

test('a statement given as text with its values, as LangGraph’s saver sends them, is prepared too', async () => {
  for (const value of [1, 2]) {
    const { rows } = await preparing.pool.query<{ next: number }>('select $1::int + 1 as next', [value]);
    assert.deepEqual(rows, [{ next: value + 1 }]);
  }
  assert.deepEqual(await preparedLike(preparing, 'select $1::int + 1%'), ['select $1::int + 1 as next']);
});

test('a transaction rolls back its prepared statements’ work like any other', async () => {
  await preparing.db.execute(sql`create temporary table scratch (value int)`);
  await assert.rejects(
    preparing.db.transaction(async (tx) => {
      await tx.execute(sql`insert into scratch values (${7})`);
      throw new Error('undo');
    }),
    /undo/,
  );
  await preparing.db.execute(sql`insert into scratch values (${8})`);
  const { rows } = await preparing.db.execute<{ value: number }>(sql`select value from scratch where value > ${0}`);
  assert.deepEqual(rows, [{ value: 8 }]);
});

test('with prepared statements off (a pooler in transaction mode), nothing is left on the connection', async () => {
  const { rows } = await plain.db.execute<{ tripled: number }>(sql`select ${5}::int * 3 as tripled`);
  assert.deepEqual(rows, [{ tripled: 15 }]);
  // A statement travelling with BEGIN is then written in whole, not EXECUTEd (nor PREPAREd in its message).
  const texts = (await statementsDuring(() => plain.db.transaction((tx) => tx.execute(sql`select ${6}::int * 3`)))).map(
    (statement) => statement.text,
  );
  assert.deepEqual(texts, ["begin;\nselect '6'::int * 3", 'commit']);
  assert.deepEqual(await preparedLike(plain, 'select $1::int * 3%'), []);
});

test('a statement whose result changed type under it (a migration on a live connection) works again after one refusal', async () => {
  await plain.db.execute(sql`create table public.shifting (id int primary key, amount int)`);
  await plain.db.execute(sql`insert into public.shifting values (1, 5)`);
  // In a transaction, as every idempotent write runs: the pool keeps its connection after an error there. The read is
  // sent on its own after a first statement, or travels with BEGIN as EXECUTE of the same prepared statement.
  const read = (first: boolean) =>
    preparing.db.transaction(async (tx) => {
      if (!first) await tx.execute(sql`select 1`);
      return (await tx.execute(sql`select amount from public.shifting where id = ${1}`)).rows;
    });
  for (const first of [false, true]) assert.deepEqual(await read(first), [{ amount: 5 }]);
  const stale = (error: Error) => /cached plan must not change result type/.test(String(error.cause));
  for (const [type, first] of [
    ['bigint', false],
    ['numeric', true],
  ] as const) {
    await plain.db.execute(sql.raw(`alter table public.shifting alter column amount type ${type}`));
    // PostgreSQL refuses the statement prepared before the change once; unless prepared afresh, on every call.
    await assert.rejects(read(first), stale);
    // Each way of sending it then uses the statement prepared afresh.
    const amount = type === 'bigint' ? 5 : '5';
    assert.deepEqual(await read(first), [{ amount }]);
    assert.deepEqual(await read(!first), [{ amount }]);
  }
});

test('a statement ending in a line comment travels with BEGIN, PREPAREd, as well as on its own', async () => {
  const read = (value: number) =>
    preparing.db.transaction(async (tx) => (await tx.execute(sql`select ${value}::int as read -- a note`)).rows);
  // The first call PREPAREs it in BEGIN's message, the second EXECUTEs what that prepared.
  for (const value of [1, 2]) assert.deepEqual(await read(value), [{ read: value }]);
  const prepared = await preparedLike(preparing, '%as select $1::int as read -- a note%');
  assert.equal(prepared.length, 1, prepared.join(' | '));
});

test('a call queued before the same statement is PREPAREd in a held one’s message still prepares it for itself', async () => {
  const answers = await preparing.db.transaction(async (tx) => {
    await tx.execute(sql`select 1`);
    const read = (value: number) => tx.execute<{ read: number }>(sql`select ${value}::int + 100 as read`);
    // The first call is under way, the second queued behind it (to be prepared when its turn comes); the marked one
    // is held, so the third travels with it and PREPAREs the statement in that message, after the second's turn.
    const [, first, , second] = await Promise.all([
      tx.execute(sql`select 2`),
      read(1),
      tx.execute(sql.raw(`${sentWithNextStatement} select 3`)),
      read(2),
    ]);
    return [first.rows, second.rows];
  });
  assert.deepEqual(answers, [[{ read: 101 }], [{ read: 102 }]]);
});

test('a statement given as a config holding its values (pg’s other form) may open a transaction too', async () => {
  const client = await preparing.pool.connect();
  try {
    await client.query('begin');
    const { rows } = await client.query({ text: 'select $1::int * 4 as quadrupled', values: [5] });
    await client.query('commit');
    assert.deepEqual(rows, [{ quadrupled: 20 }]);
  } finally {
    client.release();
  }
});

test('a statement PREPARE does not take (EXPLAIN) may open a transaction: it travels written in', async () => {
  const plan = await preparing.db.transaction(
    async (tx) => (await tx.execute<{ 'QUERY PLAN': string }>(sql`explain select ${5}::int as planned`)).rows,
  );
  assert.match(plan[0]!['QUERY PLAN'], /Result/);
});

test('a statement failing each time it opens a transaction leaves at most two prepared statements behind', async () => {
  await preparing.db.execute(sql`create table public.taken (id int primary key)`);
  await preparing.db.execute(sql`insert into public.taken values (1)`);
  const duplicate = (error: Error & { cause?: { code?: string } }) => error.cause?.code === '23505';
  for (let attempt = 0; attempt < 5; attempt += 1) {
    await assert.rejects(
      preparing.db.transaction((tx) => tx.execute(sql`insert into public.taken (id) values (${1})`)),
      duplicate,
    );
  }
  // Each such failure may follow its PREPARE or not: under a new name each time, they would pile up.
  assert.ok((await preparedLike(preparing, '%insert into public.taken (id) values ($1)%')).length <= 2);
  const inserted = await preparing.db.transaction((tx) => tx.execute(sql`insert into public.taken (id) values (${2})`));
  assert.equal(inserted.rowCount, 1);
});
