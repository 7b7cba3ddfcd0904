import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createDatabase, sentWithCommit } from '@ecomm/platform';
import { statementsDuring, useTestDatabase, useTestFixture } from '@ecomm/testing';
import { sql } from 'drizzle-orm';

// The connections of every service join a bare statement to the BEGIN before it, and a statement marked
// `sentWithCommit` to the COMMIT after it (the idempotency key's claim and stored answer): one round trip each, and
// still one transaction, as these show on a table of their own.
const database = useTestDatabase();
for (const prepared of [true, false]) {
  const connection = useTestFixture(
    async () => {
      const opened = createDatabase({ url: database.adminUrl, poolMax: 2, preparedStatements: prepared });
      await opened.pool.query('create table if not exists probes (name text, stock integer check (stock >= 0))');
      return opened;
    },
    (opened) => opened.close(),
    database,
  );
  const named = async (name: string) =>
    Number((await connection.pool.query('select count(*) from probes where name = $1', [name])).rows[0].count);
  const insert = (name: string, stock = 1) =>
    sql`insert into probes (name, stock) values (${name}, ${stock})`.inlineParams();

  test(`BEGIN travels with the next bare statement, which a rollback still undoes (prepared ${prepared})`, async () => {
    const name = `rolled back ${prepared}`;
    const sent = await statementsDuring(() =>
      connection.db
        .transaction(async (tx) => {
          await tx.execute(insert(name));
          throw new Error('undo');
        })
        .catch(() => undefined),
    );
    assert.deepEqual(
      sent.map((statement) => statement.text.split(/\s/)[0]),
      ['begin;', 'rollback'],
    );
    assert.equal(await named(name), 0);
  });

  test(`a statement sent with COMMIT commits with it, and its failure commits nothing (prepared ${prepared})`, async () => {
    const name = `committed ${prepared}`;
    const sent = await statementsDuring(() =>
      connection.db.transaction(async (tx) => {
        await tx.execute(sql`select 1`);
        await tx.execute(sql`${sql.raw(sentWithCommit)}${insert(name)}`);
      }),
    );
    assert.equal(sent.length, 2);
    assert.match(sent[1]!.text, /^\/\* sent with commit \*\/ insert .*;\ncommit$/s);
    assert.equal(await named(name), 1);

    const refused = `refused ${prepared}`;
    const failing = connection.db.transaction(async (tx) => {
      await tx.execute(insert(refused));
      await tx.execute(sql`${sql.raw(sentWithCommit)}${insert(refused, -1)}`);
    });
    // The COMMIT it travelled with reports the failure.
    await assert.rejects(failing, (error: Error) => /probes_stock_check/.test(String(error.cause)));
    assert.equal(await named(refused), 0);
  });

  test(`after a held BEGIN, a query with parameters and a callback runs inside the transaction (prepared ${prepared})`, async () => {
    const name = `called back ${prepared}`;
    const client = await connection.pool.connect();
    try {
      await client.query('begin');
      await new Promise<void>((resolve, reject) =>
        client.query('insert into probes (name, stock) values ($1, 1)', [name], (error) =>
          error ? reject(error) : resolve(),
        ),
      );
      assert.equal(
        Number((await client.query('select count(*) from probes where name = $1', [name])).rows[0].count),
        1,
      );
      await client.query('rollback');
    } finally {
      client.release();
    }
    assert.equal(await named(name), 0);
  });

  test(`a held statement goes first when anything else follows it (prepared ${prepared})`, async () => {
    const name = `held ${prepared}`;
    const counted = await connection.db.transaction(async (tx) => {
      await tx.execute(sql`${sql.raw(sentWithCommit)}${insert(name)}`);
      return tx.execute(sql`select count(*) from probes where name = ${name}`);
    });
    assert.equal(Number(counted.rows[0]!.count), 1);
  });
}
