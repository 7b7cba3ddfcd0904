import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sentWithNextStatement } from '@ecomm/platform';
import { statementsDuring } from '@ecomm/testing';
import { sql } from 'drizzle-orm';
import { useNotesOnOneConnection } from './helpers.js';

// The connection's BEGIN and the statements marked `sentWithNextStatement` travel with the next statement: fewer
// round trips, the same transactions. One connection, so every test also proves the connection is left clean.
const { connection, ids: notes } = useNotesOnOneConnection('held_notes');

const sent = async (work: () => Promise<unknown>) => (await statementsDuring(work)).map((statement) => statement.text);
/** drizzle wraps PostgreSQL's error; a unique violation is 23505. */
const duplicateKey = (error: Error & { cause?: { code?: string } }) => error.cause?.code === '23505';
const later = (id: number, note = 'later') =>
  sql.raw(`${sentWithNextStatement} insert into held_notes (id, note) values (${id}, '${note}')`);

test('BEGIN travels with a first statement without parameters, and the transaction commits both', async () => {
  const texts = await sent(() =>
    connection.db.transaction(async (tx) => {
      const { rows } = await tx.execute(sql`insert into held_notes (id, note) values (1, 'first') returning id`);
      assert.deepEqual(rows, [{ id: 1 }]);
      await tx.execute(sql`insert into held_notes (id, note) values (${2}, ${'second'})`);
    }),
  );
  assert.equal(texts.length, 3);
  assert.match(texts[0]!, /^begin;\ninsert into held_notes .* returning id$/s);
  assert.deepEqual(await notes(), [1, 2]);
});

test('BEGIN travels with a first statement with parameters too, as EXECUTE with them written in; the values come back exactly', async () => {
  const tricky = ["O'Brien", 'back\\slash', "*/ '; drop table held_notes; --", 'née 🛒', '$1'];
  for (const [offset, note] of tricky.entries()) {
    let stored: unknown;
    const texts = await sent(() =>
      connection.db.transaction(async (tx) => {
        const { rows } = await tx.execute(
          sql`insert into held_notes (id, note) values (${100 + offset}, ${note}) returning note`,
        );
        stored = rows[0]?.note;
      }),
    );
    assert.equal(stored, note);
    assert.equal(texts.length, 2, texts.join(' | '));
    // Prepared in the message of its first use on the connection, so planned once as when it is sent alone.
    const prepared = offset === 0 ? 'prepare "INSERT-[^"]+" as insert into held_notes [^;]+;\\n' : '';
    assert.match(texts[0]!, new RegExp(`^begin;\\n${prepared}execute "INSERT-[^"]+"\\('${100 + offset}', `));
  }
  await connection.pool.query('delete from held_notes where id >= 100');
});

test('before a statement whose parameters cannot be written in, BEGIN goes first on its own; a rollback undoes the work', async () => {
  const texts = await sent(() =>
    connection.db
      .transaction(async (tx) => {
        await tx.execute(
          sql`insert into held_notes (id, note) values (${3}, encode(${Buffer.from('undone')}, 'escape'))`,
        );
        throw new Error('changed my mind');
      })
      .catch((error: Error) => assert.equal(error.message, 'changed my mind')),
  );
  assert.deepEqual([texts[0], texts.at(-1)], ['begin', 'rollback']);
  assert.equal(texts.length, 3);
  assert.deepEqual(await notes(), [1, 2]);
});

test('a failing statement sent with BEGIN rolls its transaction back and leaves the connection usable', async () => {
  await assert.rejects(
    connection.db.transaction(async (tx) => {
      await tx.execute(sql`insert into held_notes (id, note) values (1, 'duplicate')`);
    }),
    duplicateKey,
  );
  // Left in an aborted transaction, the connection would refuse this; inside any transaction, now() would be older.
  const { rows } = await connection.pool.query<{ alone: boolean }>('select now() = statement_timestamp() as alone');
  assert.deepEqual(rows, [{ alone: true }]);
});

test('a marked statement travels with the COMMIT; if it fails, the commit fails and the work is undone', async () => {
  const texts = await sent(() =>
    connection.db.transaction(async (tx) => {
      await tx.execute(sql`insert into held_notes (id, note) values (${4}, ${'work'})`);
      await tx.execute(later(5));
    }),
  );
  assert.match(texts.at(-1)!, /insert into held_notes \(id, note\) values \(5, 'later'\);\ncommit$/);
  assert.deepEqual(await notes(), [1, 2, 4, 5]);

  await assert.rejects(
    connection.db.transaction(async (tx) => {
      await tx.execute(sql`insert into held_notes (id, note) values (${6}, ${'work'})`);
      await tx.execute(later(1));
    }),
    duplicateKey,
  );
  assert.deepEqual(await notes(), [1, 2, 4, 5]);
});

test('a marked statement is dropped by a rollback, and sent at once outside a transaction', async () => {
  await connection.db
    .transaction(async (tx) => {
      await tx.execute(sql`insert into held_notes (id, note) values (${7}, ${'work'})`);
      await tx.execute(later(8));
      throw new Error('undo');
    })
    .catch(() => undefined);
  assert.deepEqual(await notes(), [1, 2, 4, 5]);
  await connection.db.execute(later(9, 'alone'));
  assert.deepEqual(await notes(), [1, 2, 4, 5, 9]);
});

test('a marked statement before one with parameters is sent first, and its failure is the one reported', async () => {
  await assert.rejects(
    connection.db.transaction(async (tx) => {
      await tx.execute(sql`select ${Buffer.from('x')}::bytea`);
      await tx.execute(later(1));
      await tx.execute(sql`insert into held_notes (id, note) values (${10}, ${'after'})`);
    }),
    duplicateKey,
  );
  assert.deepEqual(await notes(), [1, 2, 4, 5, 9]);
});

test('a transaction that sends nothing costs no round trip', async () => {
  const texts = await sent(() => connection.db.transaction(async () => 'nothing'));
  assert.deepEqual(texts, []);
});

test('a BEGIN in capitals, as LangGraph’s saver sends it, is held as well, and an empty transaction sends nothing', async () => {
  const client = await connection.pool.connect();
  try {
    const texts = await sent(async () => {
      await client.query('BEGIN');
      await client.query('COMMIT');
      await client.query('BEGIN');
      await client.query('ROLLBACK');
    });
    assert.deepEqual(texts, []);
  } finally {
    client.release();
  }
});
