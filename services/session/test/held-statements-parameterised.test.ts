import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sentWithNextStatement } from '@ecomm/platform';
import { statementsDuring, useAdminDatabase } from '@ecomm/testing';
import { sql } from 'drizzle-orm';
import { useNotesOnOneConnection } from './helpers.js';

// A statement marked `sentWithNextStatement` that has parameters: inside a transaction it is held with its values
// written in and travels with the next statement, which then runs in a snapshot of its own, after the held one is done.
// The connection under test is a pool of one; `other` is a second connection, to hold a row's lock or commit meanwhile.
const { connection, ids: notes, database } = useNotesOnOneConnection('marked_notes');
const other = useAdminDatabase(database);

const marked = sql.raw(sentWithNextStatement);
const sent = async (work: () => Promise<unknown>) => (await statementsDuring(work)).map((statement) => statement.text);
/** drizzle wraps PostgreSQL's error; its code is on the cause. */
const failedWith = (code: string) => (error: Error & { cause?: { code?: string } }) => error.cause?.code === code;
const lockOf = (id: number) => sql`${marked} select from marked_notes where id = ${id} for update`;

/** Waits until a statement of this database waits for a lock: the connection under test queues behind `other`. */
async function untilWaiting() {
  for (;;) {
    const { rows } = await other.pool.query<{ waiting: number }>(
      "select count(*)::int as waiting from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()",
    );
    if (rows[0]!.waiting > 0) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** A transaction of `other` holding note `id`'s row, until `done` commits or rolls it back. */
async function holding(id: number) {
  const holder = await other.pool.connect();
  await holder.query('begin');
  await holder.query('select from marked_notes where id = $1 for update', [id]);
  return {
    holder,
    done: async (end: 'commit' | 'rollback') => {
      await holder.query(end);
      holder.release();
    },
  };
}

test('held with its values written in, answered at once with nothing, and sent in one message with the next', async () => {
  let answers: unknown[] = [];
  const texts = await sent(() =>
    connection.db.transaction(async (tx) => {
      const held = await tx.execute(
        sql`${marked} insert into marked_notes (id, note) values (${1}, ${"it's"}) returning id`,
      );
      const next = await tx.execute(sql`select note from marked_notes where id = ${1}`);
      answers = [held.rows, next.rows];
    }),
  );
  assert.deepEqual(answers, [[], [{ note: "it's" }]]);
  assert.equal(texts.length, 2, texts.join(' | '));
  assert.match(texts[0]!, /^begin;\n\/\* sent with the next statement \*\/ insert .* values \('1', 'it''s'\)/);
  assert.match(texts[0]!, /returning id;\nprepare "SELECT-[^"]+" as select note .*;\nexecute "SELECT-[^"]+"\('1'\)$/);
  assert.deepEqual(await notes(), [1]);
});

test('with nothing after it, it travels with the COMMIT; a rollback drops it', async () => {
  const texts = await sent(() =>
    connection.db.transaction(async (tx) => {
      await tx.execute(sql`insert into marked_notes (id, note) values (${2}, ${'work'})`);
      await tx.execute(sql`${marked} insert into marked_notes (id, note) values (${3}, ${'last'})`);
    }),
  );
  assert.equal(texts.length, 2, texts.join(' | '));
  assert.match(texts[1]!, /values \('3', 'last'\);\ncommit$/);
  await connection.db
    .transaction(async (tx) => {
      await tx.execute(sql`insert into marked_notes (id, note) values (${4}, ${'work'})`);
      await tx.execute(sql`${marked} insert into marked_notes (id, note) values (${5}, ${'dropped'})`);
      throw new Error('undo');
    })
    .catch((error: Error) => assert.equal(error.message, 'undo'));
  assert.deepEqual(await notes(), [1, 2, 3]);
});

test('its failure is the error of the statement it travelled with, and the transaction rolls back', async () => {
  await assert.rejects(
    connection.db.transaction(async (tx) => {
      await tx.execute(sql`insert into marked_notes (id, note) values (${6}, ${'work'})`);
      await tx.execute(sql`${marked} insert into marked_notes (id, note) values (${1}, ${'duplicate'})`);
      await tx.execute(sql`insert into marked_notes (id, note) values (${7}, ${'after'})`);
    }),
    failedWith('23505'),
  );
  assert.deepEqual(await notes(), [1, 2, 3]);
});

test('a held lock that gives up waiting (55P03) fails the statement it travelled with; nothing is kept', async () => {
  const { done } = await holding(1);
  try {
    await assert.rejects(
      connection.db.transaction(async (tx) => {
        await tx.execute(sql`set local lock_timeout = '100ms'`);
        await tx.execute(lockOf(1));
        await tx.execute(sql`insert into marked_notes (id, note) values (${8}, ${'under the lock'})`);
      }),
      failedWith('55P03'),
    );
  } finally {
    await done('rollback');
  }
  assert.deepEqual(await notes(), [1, 2, 3]);
});

test('the statement after a held lock reads what committed while the lock was awaited; one statement would not', async () => {
  const count = sql`select count(*)::int as seen from marked_notes`;
  const afterTheWait = async (work: () => Promise<{ rows: unknown[] }>) => {
    const { holder, done } = await holding(1);
    const answer = work();
    try {
      await untilWaiting();
      // Committed after the wait began, before the lock is granted.
      await holder.query('delete from marked_notes where id = 3');
    } finally {
      await done('commit');
    }
    return (await answer).rows;
  };

  let seen: unknown[] = [];
  const texts = await sent(async () => {
    seen = await afterTheWait(() =>
      connection.db.transaction(async (tx) => {
        await tx.execute(lockOf(1));
        return tx.execute(count);
      }),
    );
  });
  assert.deepEqual(seen, [{ seen: 2 }]);
  // The lock and the count went in one message (among the holder's statements, also counted here).
  assert.ok(
    texts.some((text) => /for update;\nselect count/.test(text)),
    texts.join(' | '),
  );

  await connection.pool.query("insert into marked_notes (id, note) values (3, 'back')");
  // The trap the held lock avoids: a statement that waited for the lock itself reads as its snapshot had it.
  const stale = await afterTheWait(() =>
    connection.db.transaction((tx) =>
      tx.execute(sql`select (${count}) as seen from marked_notes where id = ${1} for update`),
    ),
  );
  assert.deepEqual(stale, [{ seen: 3 }]);
  await connection.pool.query('delete from marked_notes where id = 3');
});

test('one whose values cannot be written in is sent at once, in order, and answers for itself', async () => {
  let answer: unknown;
  const texts = await sent(() =>
    connection.db.transaction(async (tx) => {
      const { rows } = await tx.execute(
        sql`${marked} insert into marked_notes (id, note) values (${9}, encode(${Buffer.from('raw')}, 'escape')) returning note`,
      );
      answer = rows;
    }),
  );
  assert.deepEqual(answer, [{ note: 'raw' }]);
  assert.equal(texts.length, 3, texts.join(' | '));
  assert.deepEqual([texts[0], texts[2]], ['begin', 'commit']);
  assert.match(texts[1]!, /values \(\$1, encode\(\$2, 'escape'\)\)/);
});

test('outside a transaction it is sent at once, with its parameters, and answers for itself', async () => {
  const texts = await sent(async () => {
    const { rows } = await connection.db.execute(
      sql`${marked} insert into marked_notes (id, note) values (${10}, ${'alone'}) returning id`,
    );
    assert.deepEqual(rows, [{ id: 10 }]);
  });
  assert.equal(texts.length, 1);
  assert.match(texts[0]!, /values \(\$1, \$2\) returning id$/);
  assert.deepEqual(await notes(), [1, 2, 9, 10]);
});

test('the statement it travels with is prepared once per connection: then EXECUTEd, and sent alone without a PREPARE', async () => {
  const read = (id: number) => sql`select id, note from marked_notes where id = ${id}`;
  const withLock = (id: number) =>
    connection.db.transaction(async (tx) => {
      await tx.execute(lockOf(1));
      return (await tx.execute(read(id))).rows;
    });
  const first = await sent(async () => assert.deepEqual(await withLock(1), [{ id: 1, note: "it's" }]));
  assert.match(first[0]!, /for update;\nprepare "SELECT-[^"]+" as select id, note .*;\nexecute "SELECT-[^"]+"\('1'\)$/);
  // pg knows it prepared: alone, the statement is bound to its name, with no second PREPARE (which would fail).
  assert.deepEqual((await connection.db.execute(read(2))).rows, [{ id: 2, note: 'work' }]);
  const again = await sent(async () => assert.deepEqual(await withLock(9), [{ id: 9, note: 'raw' }]));
  assert.match(again[0]!, /for update;\nexecute "SELECT-[^"]+"\('9'\)$/);
});

test('after a failed message that prepared it, the statement is prepared afresh under another name, alone or travelling', async () => {
  const quotient = (divisor: number) => sql`select 10 / ${divisor}::int as quotient`;
  const withLock = (divisor: number) =>
    connection.db.transaction(async (tx) => {
      await tx.execute(lockOf(1));
      return (await tx.execute(quotient(divisor))).rows;
    });
  // The PREPARE ran, then its EXECUTE failed: the transaction rolled back, the prepared statement stayed.
  await assert.rejects(withLock(0), failedWith('22012'));
  assert.deepEqual((await connection.db.execute(quotient(2))).rows, [{ quotient: 5 }]);
  const texts = await sent(async () => assert.deepEqual(await withLock(5), [{ quotient: 2 }]));
  assert.match(texts[0]!, /for update;\nexecute "SELECT-[^"]+_\d+"\('5'\)$/);
});

test('a call of the same statement queued behind its first PREPARE is bound to it, not prepared again', async () => {
  const shifted = (value: number) => sql`select ${value}::int + 100 as shifted`;
  const answers = await connection.db.transaction((tx) =>
    Promise.all([tx.execute(shifted(1)), tx.execute(shifted(2))]),
  );
  assert.deepEqual(
    answers.map((answer) => answer.rows),
    [[{ shifted: 101 }], [{ shifted: 102 }]],
  );
});
