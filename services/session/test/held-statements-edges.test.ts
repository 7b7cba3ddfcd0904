import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sentWithNextStatement } from '@ecomm/platform';
import { statementsDuring } from '@ecomm/testing';
import { sql } from 'drizzle-orm';
import { useNotesOnOneConnection } from './helpers.js';

// Adversarial cases for PostgresClient's held BEGIN and held statements, on a checked-out connection of a pool of one:
// whatever a case leaves on the connection, the next one meets.
const { connection, ids: notes } = useNotesOnOneConnection('edge_notes');

test('a callback query after a held BEGIN is run and answered (pg allows the callback form on any client)', async () => {
  const client = await connection.pool.connect();
  try {
    await client.query('begin');
    const answer = await new Promise<unknown>((resolve, reject) => {
      client.query('select $1::int as one', [1], (error, result) => (error ? reject(error) : resolve(result.rows)));
    });
    assert.deepEqual(answer, [{ one: 1 }]);
    await client.query('commit');
  } finally {
    client.release();
  }
});

test('a transaction ended by END (or COMMIT;) does not leave later marked statements held and then dropped', async () => {
  const client = await connection.pool.connect();
  try {
    await client.query('begin');
    await client.query('insert into edge_notes (id, note) values (1, $1)', ['in the transaction']);
    await client.query('end');
    // Outside any transaction now: a marked statement must run (at once), not wait for a statement that never comes.
    await client.query(`${sentWithNextStatement} insert into edge_notes (id, note) values (2, 'after end')`);
  } finally {
    client.release();
  }
  assert.deepEqual(await notes(), [1, 2]);
});

test('values written in behave as the same values sent as parameters (LIMIT, any(), jsonb, numbers, booleans, null)', async () => {
  const json = JSON.stringify({ a: "it's \\ $1 é -- /* " });
  const query = sql`select ${json}::jsonb ->> 'a' as text, ${1e21}::float8 as big, ${-0}::float8 as zero,
    ${true}::boolean as yes, ${null}::int as nothing, (select count(*)::int from
    (select from generate_series(1, 5) as n where n > ${2} limit ${2}) as kept) as limited,
    ${7} = any(${'{7,8}'}::int[]) as member, ${'3'} = 3 as compared`;
  // Alone, the statement is sent with its parameters; as a transaction's first, written in and sent with BEGIN.
  const { rows: asParameters } = await connection.db.execute(query);
  const { rows: writtenIn } = await connection.db.transaction((tx) => tx.execute(query));
  assert.deepEqual(writtenIn, asParameters);
  assert.deepEqual(asParameters, [
    {
      text: "it's \\ $1 é -- /* ",
      big: 1e21,
      zero: 0,
      yes: true,
      nothing: null,
      limited: 2,
      member: true,
      compared: true,
    },
  ]);
});

test('savepoints, a throwing inner transaction and queries sent at once keep their order and effects', async () => {
  await connection.pool.query('delete from edge_notes');
  await connection.db.transaction(async (tx) => {
    await tx
      .transaction(async (inner) => {
        await inner.execute(sql`insert into edge_notes (id, note) values (${10}, ${'undone'})`);
        await inner.execute(
          sql.raw(`${sentWithNextStatement} insert into edge_notes (id, note) values (11, 'undone')`),
        );
        throw new Error('inner undone');
      })
      .catch(() => undefined);
    const [first, second] = await Promise.all([
      tx.execute(sql`insert into edge_notes (id, note) values (${12}, ${'kept'}) returning id`),
      tx.execute(sql`select count(*)::int as seen from edge_notes where id = ${12}`),
    ]);
    assert.deepEqual([first.rows, second.rows], [[{ id: 12 }], [{ seen: 1 }]]);
    await tx.execute(sql.raw(`${sentWithNextStatement} insert into edge_notes (id, note) values (13, 'kept')`));
  });
  assert.deepEqual(await notes(), [12, 13]);
});

test('a BEGIN in capitals on a checked-out client: its work commits, or rolls back without a round trip, as sent', async () => {
  const client = await connection.pool.connect();
  try {
    const sent = await statementsDuring(async () => {
      await client.query('BEGIN');
      await client.query(`${sentWithNextStatement} insert into edge_notes (id, note) values (20, 'rolled back')`);
      await client.query('ROLLBACK');
    });
    // Nothing was sent, so there was nothing to roll back: not even the ROLLBACK goes.
    assert.deepEqual(sent, []);
    await client.query('BEGIN');
    await client.query(`${sentWithNextStatement} insert into edge_notes (id, note) values (21, 'committed')`);
    await client.query('COMMIT');
  } finally {
    client.release();
  }
  assert.deepEqual(await notes(), [12, 13, 21]);
});

test('a line comment ended by a carriage return: the values after it are written in as PostgreSQL reads the text', async () => {
  const query = sql`select ${'a'} as first -- a note${sql.raw('\r')}, ${"it's"} as second`;
  const { rows: asParameters } = await connection.db.execute(query);
  const { rows: writtenIn } = await connection.db.transaction((tx) => tx.execute(query));
  assert.deepEqual(writtenIn, asParameters);
  assert.deepEqual(asParameters, [{ first: 'a', second: "it's" }]);
});
